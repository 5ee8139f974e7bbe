using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// The netfilter state of one namespace (struct netns_nf plus the iptables tables): for each of the five hooks the
/// functions registered there in priority order — nf_defrag (-400), raw (-300), conntrack (-200), mangle (-150),
/// DNAT (-100), filter (0), SNAT (100), conntrack confirm (last) — and the xt_recent lists.
/// <para>
/// Cost: a packet entering a hook where some table has rules charges <c>netfilter.hook</c> once, plus for every rule
/// it is tested against (so cost grows with the rules actually traversed) <c>netfilter.rule</c> when x_tables
/// tests it (iptables-legacy) or <c>nftables.rule</c> when nf_tables does (iptables-nft, native nftables; see
/// <see cref="Backend"/>), plus <c>netfilter.rule_l2_miss</c> for each rule a table walk tests after it has outgrown
/// the core's L2 (either way a walk reads a rule's first cache lines and moves on);
/// conntrack and NAT charge their own keys. A hook without rules and without active conntrack costs nothing.
/// </para>
/// </summary>
public sealed class NetfilterHooks
{
    private readonly NetworkNamespace _ns;
    private readonly List<Registration>[] _registrations = new List<Registration>[5];
    private readonly INetfilterHook[][] _hooks = new INetfilterHook[5][];
    private readonly NfHookCounters[] _counters = new NfHookCounters[5];
    private readonly Dictionary<string, RecentList> _recent = new(StringComparer.Ordinal);
    private int _sequence;

    internal NetfilterHooks(NetworkNamespace ns)
    {
        _ns = ns;
        for (int i = 0; i < 5; i++)
        {
            _registrations[i] = new List<Registration>();
            _hooks[i] = [];
            _counters[i] = new NfHookCounters();
        }
        Raw = new IptTable(this, IptTableKind.Raw);
        Mangle = new IptTable(this, IptTableKind.Mangle);
        Nat = new IptTable(this, IptTableKind.Nat);
        Filter = new IptTable(this, IptTableKind.Filter);
        Defrag = new IpReassembler(ns.Node, ns.Name + "/nf_defrag");
        RegisterBuiltins(ns.Conntrack);
    }

    /// <summary>
    /// The subsystem this namespace's iptables rules live in (the iptables binary that programs them decides):
    /// legacy x_tables unless the namespace's owner says otherwise.
    /// </summary>
    public IptablesBackend Backend { get; set; } = IptablesBackend.Legacy;

    public IptTable Raw { get; }
    public IptTable Mangle { get; }
    public IptTable Nat { get; }
    public IptTable Filter { get; }
    /// <summary>nf_defrag_ipv4's reassembly queues.</summary>
    public IpReassembler Defrag { get; }

    public IptTable Table(IptTableKind kind) => kind switch
    {
        IptTableKind.Raw => Raw,
        IptTableKind.Mangle => Mangle,
        IptTableKind.Nat => Nat,
        _ => Filter,
    };

    /// <summary>The namespace's datapath costs (netfilter's rule and hook costs, the L2 size its walks see).</summary>
    internal Common.DatapathCosts Costs => _ns.Costs;

    public NfHookCounters Counters(NfInetHook hook) => _counters[(int)hook];

    /// <summary>Rules evaluated at all hooks of this namespace.</summary>
    public long RulesEvaluated
    {
        get
        {
            long n = 0;
            foreach (var c in _counters) n += c.RulesEvaluated;
            return n;
        }
    }

    /// <summary>The functions at a hook, in the order they run.</summary>
    public IReadOnlyList<INetfilterHook> At(NfInetHook hook) => _hooks[(int)hook];

    /// <summary>nf_register_net_hook: adds a function at a hook; equal priorities run in registration order.</summary>
    public void Register(NfInetHook hook, int priority, INetfilterHook function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var list = _registrations[(int)hook];
        list.Add(new Registration(priority, _sequence++, function));
        list.Sort(static (a, b) => a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority) : a.Sequence.CompareTo(b.Sequence));
        var fns = new INetfilterHook[list.Count];
        for (int i = 0; i < fns.Length; i++) fns[i] = list[i].Function;
        _hooks[(int)hook] = fns;
    }

    /// <summary>
    /// The stream "statistic --mode random" rules without their own draw from in this namespace (the kernel's prandom
    /// state belongs to the CPU, not the rule); whoever installs such rules sets it (kube-proxy: the node's seeded stream).
    /// </summary>
    public Random? StatisticRandom { get; set; }

    /// <summary>The existing xt_recent list <paramref name="name"/> (per packet: no allocation).</summary>
    internal RecentList RecentListOf(string name) =>
        _recent.TryGetValue(name, out RecentList? list) ? list : throw new InvalidOperationException($"{_ns}: no xt_recent list {name}");

    /// <summary>The xt_recent list <paramref name="name"/> of this namespace, created on first use.</summary>
    public RecentList Recent(string name, int capacity = RecentList.DefaultCapacity, int stampsPerEntry = RecentList.DefaultStampsPerEntry)
    {
        if (_recent.TryGetValue(name, out RecentList? list)) return list;
        list = new RecentList(name, capacity, stampsPerEntry);
        _recent.Add(name, list);
        return list;
    }

    /// <summary>
    /// nf_hook_slow: runs the packet through every function at the hook until one does not accept it. The verdict,
    /// drop reason and accumulated cost are left in <paramref name="state"/>.
    /// </summary>
    public void Run(ref NfHookState state)
    {
        INetfilterHook[] fns = _hooks[(int)state.Hook];
        NfHookCounters counters = _counters[(int)state.Hook];
        counters.Packets++;
        bool anyRules = false;
        for (int i = 0; i < fns.Length; i++)
            if (fns[i].HasRules(state.Hook)) anyRules = true;
        if (anyRules)
        {
            counters.PacketsWithRules++;
            state.CostPs += _ns.Costs.NetfilterHook.For(state.Packet.Length);
        }
        int before = state.RulesEvaluated, nftBefore = state.NftRulesEvaluated, beyondBefore = state.RulesBeyondL2;
        NfVerdict verdict = NfVerdict.Accept;
        if (state.Packet.Trace is null)
        {
            for (int i = 0; i < fns.Length && verdict == NfVerdict.Accept; i++)
                verdict = fns[i].Hook(ref state);
        }
        else verdict = RunTraced(fns, ref state, anyRules);
        int rules = state.RulesEvaluated - before, nft = state.NftRulesEvaluated - nftBefore, beyond = state.RulesBeyondL2 - beyondBefore;
        counters.RulesEvaluated += rules;
        counters.NftRulesEvaluated += nft;
        counters.RulesBeyondL2 += beyond;
        state.CostPs += RuleCost(rules, nft, beyond);
        if (verdict is NfVerdict.Drop or NfVerdict.Reject) counters.Dropped++;
        state.Verdict = verdict;
    }

    /// <summary>
    /// The hook's functions on a traced packet, each recorded as a part of the element's work with its own time:
    /// nf_hook_slow, conntrack, each table's rule walk (its rules at netfilter.rule or nftables.rule each), NAT.
    /// </summary>
    private NfVerdict RunTraced(INetfilterHook[] fns, ref NfHookState state, bool anyRules)
    {
        PacketTrace trace = state.Packet.Trace!;
        string where = $"{_ns.Name}/";
        long hookCost = anyRules ? _ns.Costs.NetfilterHook.For(state.Packet.Length) : 0;
        if (hookCost > 0) trace.AddPart($"{where}netfilter {state.Hook}", $"nf_hook_slow: {fns.Length} functions", state.CostPs - hookCost, hookCost);
        long deferred = 0; // rule costs are added to the state after the loop; parts after them start later
        NfVerdict verdict = NfVerdict.Accept;
        for (int i = 0; i < fns.Length && verdict == NfVerdict.Accept; i++)
        {
            long cost = state.CostPs;
            int rules = state.RulesEvaluated, nft = state.NftRulesEvaluated, beyond = state.RulesBeyondL2;
            verdict = fns[i].Hook(ref state);
            rules = state.RulesEvaluated - rules;
            nft = state.NftRulesEvaluated - nft;
            beyond = state.RulesBeyondL2 - beyond;
            long ruleCost = RuleCost(rules, nft, beyond);
            long spent = state.CostPs - cost + ruleCost;
            string? note = trace.TakeNote();
            if (spent > 0 || note is not null)
                trace.AddPart($"{where}{fns[i]}", note is null ? Describe(fns[i], state.Packet, rules, beyond, verdict)
                    : rules > 0 ? $"{note} after {Describe(fns[i], state.Packet, rules, beyond, verdict)}" : note, cost + deferred, spent);
            deferred += ruleCost;
        }
        return verdict;
    }

    /// <summary>What testing <paramref name="rules"/> rules costs, <paramref name="nft"/> of them in nf_tables and <paramref name="beyond"/> past the L2.</summary>
    private long RuleCost(int rules, int nft, int beyond) =>
        _ns.Costs.NetfilterRule.Times(rules - nft) + _ns.Costs.NftablesRule.Times(nft) + _ns.Costs.NetfilterRuleL2Miss.Times(beyond);

    private static string Describe(INetfilterHook fn, Packet p, int rules, int beyond, NfVerdict verdict)
    {
        string what = fn switch
        {
            ConntrackInHook => $"nf_conntrack_in: {(p.Conntrack is ConntrackRef r ? r.Info.ToString() : "untracked")}",
            ConntrackConfirmHook => "nf_conntrack_confirm: new entry",
            _ when rules > 0 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rules:#,0} rules walked") +
                                (beyond > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({beyond:#,0} past the L2 cache)") : ""),
            _ => fn.ToString() ?? "",
        };
        return verdict == NfVerdict.Accept ? what : $"{what}: {verdict}";
    }

    internal void OnRuleAdded(IptTableKind table, IptRule rule)
    {
        if (table == IptTableKind.Nat || rule.RequiresConntrack) _ns.Conntrack.AddDemand();
    }

    internal void OnRuleRemoved(IptTableKind table, IptRule rule)
    {
        if (table == IptTableKind.Nat || rule.RequiresConntrack) _ns.Conntrack.RemoveDemand();
    }

    private void RegisterBuiltins(ConntrackTable ct)
    {
        Register(NfInetHook.PreRouting, NfHookPriority.ConntrackDefrag, new DefragHook(ct, Defrag));
        foreach (IptTable table in new[] { Raw, Mangle, Filter })
        {
            int priority = table.Kind switch
            {
                IptTableKind.Raw => NfHookPriority.Raw,
                IptTableKind.Mangle => NfHookPriority.Mangle,
                _ => NfHookPriority.Filter,
            };
            foreach (NfInetHook hook in IptTable.HooksOf(table.Kind)) Register(hook, priority, new IptTableHook(table, hook));
        }
        var ctIn = new ConntrackInHook(ct);
        Register(NfInetHook.PreRouting, NfHookPriority.Conntrack, ctIn);
        Register(NfInetHook.LocalOut, NfHookPriority.Conntrack, ctIn);
        Register(NfInetHook.PreRouting, NfHookPriority.NatDestination, new NatHook(Nat, NfInetHook.PreRouting, NatManipType.Destination));
        Register(NfInetHook.LocalOut, NfHookPriority.NatDestination, new NatHook(Nat, NfInetHook.LocalOut, NatManipType.Destination));
        Register(NfInetHook.PostRouting, NfHookPriority.NatSource, new NatHook(Nat, NfInetHook.PostRouting, NatManipType.Source));
        Register(NfInetHook.LocalIn, NfHookPriority.NatSource, new NatHook(Nat, NfInetHook.LocalIn, NatManipType.Source));
        var confirm = new ConntrackConfirmHook(ct);
        Register(NfInetHook.PostRouting, NfHookPriority.ConntrackConfirm, confirm);
        Register(NfInetHook.LocalIn, NfHookPriority.ConntrackConfirm, confirm);
    }

    private readonly record struct Registration(int Priority, int Sequence, INetfilterHook Function);
}
