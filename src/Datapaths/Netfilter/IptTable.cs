using NetSim.Datapaths.Common;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// An iptables table (raw, mangle, nat, filter): built-in chains for the hooks the table is registered at, plus
/// user-defined chains. <see cref="Traverse"/> is ipt_do_table: rules in order, jumps with a return stack, gotos
/// without, RETURN and chain ends back to the caller, built-in chain ends to the policy. It allocates nothing.
/// </summary>
public sealed class IptTable
{
    /// <summary>
    /// Bytes of the rule blob one tested rule brings into cache: two 64-byte lines, because ip_packet_match reads
    /// the addresses at the start of struct ipt_entry and ipt_next_entry its next_offset 90 bytes in, and a rule
    /// with a match and a target is several hundred bytes long, so consecutive rules never share a line.
    /// </summary>
    public const int EntryBytesTouched = 2 * 64;
    private const int MaxJumpDepth = 64;
    private static readonly string[] BuiltinNames = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

    private readonly IptChain?[] _builtin = new IptChain?[5];
    private readonly Dictionary<string, IptChain> _chains = new(StringComparer.Ordinal);
    private readonly List<IptChain> _ordered = new();
    private readonly IptChain[] _stackChain = new IptChain[MaxJumpDepth];
    private readonly int[] _stackRule = new int[MaxJumpDepth];
    // This table's counters of the shared chains' rules (packets, bytes per rule), made on a chain's first match.
    private readonly Dictionary<IptChain, long[]> _sharedCounters = new();

    internal IptTable(NetfilterHooks owner, IptTableKind kind)
    {
        Owner = owner;
        Kind = kind;
        Name = kind.ToString().ToLowerInvariant();
        foreach (NfInetHook hook in HooksOf(kind))
        {
            var chain = new IptChain(this, BuiltinNames[(int)hook], builtin: true);
            _builtin[(int)hook] = chain;
            _chains.Add(chain.Name, chain);
            _ordered.Add(chain);
        }
    }

    public NetfilterHooks Owner { get; }
    public IptTableKind Kind { get; }
    /// <summary>"raw", "mangle", "nat" or "filter".</summary>
    public string Name { get; }
    public IReadOnlyList<IptChain> Chains => _ordered;

    /// <summary>The hooks a table of <paramref name="kind"/> is registered at (iptable_*'s valid_hooks).</summary>
    public static IReadOnlyList<NfInetHook> HooksOf(IptTableKind kind) => kind switch
    {
        IptTableKind.Raw => [NfInetHook.PreRouting, NfInetHook.LocalOut],
        IptTableKind.Mangle => [NfInetHook.PreRouting, NfInetHook.LocalIn, NfInetHook.Forward, NfInetHook.LocalOut, NfInetHook.PostRouting],
        IptTableKind.Nat => [NfInetHook.PreRouting, NfInetHook.LocalIn, NfInetHook.LocalOut, NfInetHook.PostRouting],
        _ => [NfInetHook.LocalIn, NfInetHook.Forward, NfInetHook.LocalOut],
    };

    /// <summary>A chain by name ("PREROUTING", "KUBE-SERVICES").</summary>
    public IptChain this[string name] =>
        _chains.TryGetValue(name, out IptChain? c) ? c : throw new KeyNotFoundException($"{Name}: no chain/target/match by the name {name}");

    public bool TryGetChain(string name, out IptChain chain) => _chains.TryGetValue(name, out chain!);

    /// <summary>The built-in chain of <paramref name="hook"/>.</summary>
    public IptChain Builtin(NfInetHook hook) =>
        _builtin[(int)hook] ?? throw new InvalidOperationException($"table {Name} has no {BuiltinNames[(int)hook]} chain");

    /// <summary>iptables -N.</summary>
    public IptChain NewChain(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 28) throw new ArgumentException($"bad chain name '{name}'", nameof(name));
        if (_chains.ContainsKey(name)) throw new InvalidOperationException($"{Name}: chain {name} already exists");
        var chain = new IptChain(this, name, builtin: false);
        _chains.Add(name, chain);
        _ordered.Add(chain);
        return chain;
    }

    /// <summary>The user chain <paramref name="name"/>, created if needed (iptables-restore's ":CHAIN - [0:0]").</summary>
    public IptChain GetOrCreateChain(string name) => _chains.TryGetValue(name, out IptChain? c) ? c : NewChain(name);

    /// <summary>iptables -X: deletes an empty user chain no rule jumps to (as the kernel refuses otherwise).</summary>
    public void DeleteChain(IptChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.IsBuiltin || chain.Table != this) throw new InvalidOperationException($"{Name}: cannot delete chain {chain.Name}");
        if (chain.Rules.Count > 0) throw new InvalidOperationException($"{Name}: chain {chain.Name} is not empty");
        if (IsReferenced(chain)) throw new InvalidOperationException($"{Name}: chain {chain.Name} is referenced by a rule");
        _chains.Remove(chain.Name);
        _ordered.Remove(chain);
    }

    /// <summary>Whether a rule of this table jumps or goes to <paramref name="chain"/> (its reference count in the kernel).</summary>
    public bool IsReferenced(IptChain chain)
    {
        foreach (var c in _ordered)
            foreach (var r in c.Rules)
                if (r.Target?.Chain == chain) return true;
        return false;
    }

    /// <summary>True when the built-in chain of <paramref name="hook"/> has rules.</summary>
    public bool HasRules(NfInetHook hook) => _builtin[(int)hook] is { } c && c.RuleList.Count > 0;

    internal static void Validate(IptChain chain, IptRule rule)
    {
        if (rule.Chain is not null) throw new InvalidOperationException($"rule is already in chain {rule.Chain.Name}");
        if (chain.IsShared && chain.ListedBy > 0) throw new InvalidOperationException($"shared chain {chain.Name} is listed and cannot change");
        string table = chain.Kind.ToString().ToLowerInvariant();
        // A jump stays in its table: a node's own chain of this table, or a shared chain (which every listing table of this kind holds).
        if (rule.Target?.Chain is { } target && (target.Kind != chain.Kind || (!target.IsShared && (chain.IsShared || target.Table != chain.Table))))
            throw new ArgumentException($"{table} {chain.Name}: cannot jump to chain {target.Name} of table {target.Kind.ToString().ToLowerInvariant()}", nameof(rule));
        if (rule.Target is DnatTarget or SnatTarget or MasqueradeTarget && chain.Kind != IptTableKind.Nat)
            throw new ArgumentException($"{rule.Target} is only valid in the nat table", nameof(rule));
        if (rule.Target is NotrackTarget && chain.Kind != IptTableKind.Raw)
            throw new ArgumentException("CT --notrack is only valid in the raw table", nameof(rule));
    }

    /// <summary>
    /// Lists the shared chain <paramref name="chain"/> in this table (in place of an empty own chain of its name), as if
    /// its rules had been written here: they count toward the namespace's conntrack demand.
    /// </summary>
    public IptChain Attach(IptChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (!chain.IsShared || chain.Kind != Kind) throw new ArgumentException($"{Name}: {chain.Name} is not a shared {Name} chain", nameof(chain));
        if (_chains.TryGetValue(chain.Name, out IptChain? old))
        {
            if (old == chain) return chain;
            if (old.IsShared || old.RuleList.Count > 0) throw new InvalidOperationException($"{Name}: chain {chain.Name} already exists");
            _chains.Remove(old.Name);
            _ordered.Remove(old);
        }
        _chains.Add(chain.Name, chain);
        _ordered.Add(chain);
        chain.Listed(1);
        foreach (IptRule rule in chain.RuleList) Owner.OnRuleAdded(Kind, rule);
        return chain;
    }

    /// <summary>Stops listing every shared chain (a full re-sync lists them again).</summary>
    public void DetachShared()
    {
        foreach (IptChain c in _ordered)
        {
            if (!c.IsShared) continue;
            _chains.Remove(c.Name);
            _sharedCounters.Remove(c);
            c.Listed(-1);
            foreach (IptRule rule in c.RuleList) Owner.OnRuleRemoved(Kind, rule);
        }
        _ordered.RemoveAll(static c => c.IsShared);
    }

    /// <summary>iptables -L -v's packet and byte counters of <paramref name="rule"/> in this table.</summary>
    public (long Packets, long Bytes) CountersOf(IptRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Chain is not { IsShared: true } shared) return (rule.Packets, rule.Bytes);
        if (!_sharedCounters.TryGetValue(shared, out long[]? c)) return (0, 0);
        int i = shared.RuleList.IndexOf(rule);
        return (c[2 * i], c[2 * i + 1]);
    }

    /// <summary>Counts a match of rule <paramref name="index"/> of the shared chain <paramref name="chain"/> here (the array is made on its first match).</summary>
    private void CountShared(IptChain chain, int index, Packet p)
    {
        ref long[]? c = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_sharedCounters, chain, out _);
        c ??= new long[2 * chain.RuleList.Count];
        c[2 * index]++;
        c[2 * index + 1] += p.Ipv4Length;
    }

    /// <summary>
    /// ipt_do_table (or, for iptables-nft, nft_do_chain over the same rules): runs the packet through the built-in chain of <paramref name="hook"/>. The rules tested after
    /// the walk has touched more of the blob than the core's L2 holds count as <see cref="NfHookState.RulesBeyondL2"/>:
    /// every walk starts at the chain head, so at most the L2's worth of it can still be cached from the last one.
    /// A simplification: each walk is measured on its own, not against what else the core touched in between.
    /// </summary>
    internal NfVerdict Traverse(NfInetHook hook, ref NfHookState s)
    {
        int before = s.RulesEvaluated;
        NfVerdict verdict = Walk(hook, ref s);
        long tested = s.RulesEvaluated - before, resident = Owner.Costs.IptRulesInL2;
        if (tested > resident) s.RulesBeyondL2 += (int)(tested - resident);
        if (Owner.Backend == IptablesBackend.Nft) s.NftRulesEvaluated += (int)tested;
        return verdict;
    }

    private NfVerdict Walk(NfInetHook hook, ref NfHookState s)
    {
        IptChain? builtin = _builtin[(int)hook];
        if (builtin is null) return NfVerdict.Accept;
        Packet p = s.Packet;
        s.IpIndex = p.IndexOfOuter(HeaderKind.Ipv4);
        if (s.IpIndex < 0) return NfVerdict.Accept;
        s.TransportIndex = PacketFields.TransportIndex(p, s.IpIndex);

        IptChain chain = builtin;
        int i = 0, sp = 0;
        while (true)
        {
            List<IptRule> rules = chain.RuleList;
            if (i >= rules.Count)
            {
                if (sp == 0) return Policy(builtin, ref s);
                sp--;
                chain = _stackChain[sp];
                i = _stackRule[sp];
                continue;
            }
            int skipTo = chain.Runs.Skip(i, ref s);
            if (skipTo != i)
            {
                s.RulesEvaluated += skipTo - i; // the rules before it were tested (and failed), as in the kernel
                i = skipTo;
                continue;
            }
            IptRule rule = rules[i];
            s.RulesEvaluated++;
            if (!rule.Test(ref s))
            {
                i++;
                continue;
            }
            if (chain.IsShared) CountShared(chain, i, p);
            else rule.Count(p);
            NfTarget? t = rule.Target;
            if (t is null)
            {
                i++;
                continue;
            }
            switch (t.Kind)
            {
                case NfTargetKind.Accept:
                    return NfVerdict.Accept;
                case NfTargetKind.Drop:
                    s.DropReason = DropReason.NetfilterDrop;
                    return NfVerdict.Drop;
                case NfTargetKind.Return:
                    if (sp == 0) return Policy(builtin, ref s);
                    sp--;
                    chain = _stackChain[sp];
                    i = _stackRule[sp];
                    continue;
                case NfTargetKind.Jump:
                    if (sp == MaxJumpDepth) throw new InvalidOperationException($"{Name}: jumps nested deeper than {MaxJumpDepth} (a loop?) at {chain.Name}");
                    _stackChain[sp] = chain;
                    _stackRule[sp] = i + 1;
                    sp++;
                    chain = t.Chain!;
                    i = 0;
                    continue;
                case NfTargetKind.Goto:
                    chain = t.Chain!;
                    i = 0;
                    continue;
            }
            switch (t.Execute(ref s))
            {
                case NfTargetResult.Continue:
                    i++;
                    continue;
                case NfTargetResult.Accept:
                    return NfVerdict.Accept;
                case NfTargetResult.Reject:
                    s.DropReason = DropReason.NetfilterReject;
                    return NfVerdict.Reject;
                default:
                    s.DropReason = t.DropReason;
                    return NfVerdict.Drop;
            }
        }
    }

    private static NfVerdict Policy(IptChain builtin, ref NfHookState s)
    {
        builtin.PolicyPackets++;
        if (builtin.Policy == NfPolicy.Accept) return NfVerdict.Accept;
        s.DropReason = DropReason.NetfilterDrop;
        return NfVerdict.Drop;
    }

    public override string ToString() => $"table {Name}";
}
