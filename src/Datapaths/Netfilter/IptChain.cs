namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// An iptables chain: a built-in chain of a table at one hook (with a policy), or a user-defined chain reached by
/// jumps. Rules are evaluated in order. A shared chain (<see cref="Shared"/>) belongs to no table: it is written once
/// and listed by the tables of every node that has the same rules (<see cref="IptTable.Attach"/>); its rules hold no
/// node's state (each table keeps its own counters for them) and it is not changed once listed.
/// </summary>
public sealed class IptChain
{
    private readonly List<IptRule> _rules = new();

    internal IptChain(IptTable table, string name, bool builtin)
    {
        Table = table;
        Kind = table.Kind;
        Name = name;
        IsBuiltin = builtin;
    }

    private IptChain(IptTableKind kind, string name)
    {
        Kind = kind;
        Name = name;
        IsShared = true;
    }

    /// <summary>A user chain of a <paramref name="kind"/> table for every node that lists it.</summary>
    public static IptChain Shared(IptTableKind kind, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 28) throw new ArgumentException($"bad chain name '{name}'", nameof(name));
        return new IptChain(kind, name);
    }

    /// <summary>The table the chain is in; null for a shared chain.</summary>
    public IptTable? Table { get; }
    /// <summary>The kind of table the chain is (or, shared, may be listed) in.</summary>
    public IptTableKind Kind { get; }
    /// <summary>Listed by several nodes' tables; its rules' counters are each table's (<see cref="IptTable.CountersOf"/>).</summary>
    public bool IsShared { get; }
    public string Name { get; }
    public bool IsBuiltin { get; }
    /// <summary>The policy of a built-in chain (user chains return to their caller instead).</summary>
    public NfPolicy Policy { get; set; } = NfPolicy.Accept;
    public IReadOnlyList<IptRule> Rules => _rules;
    internal List<IptRule> RuleList => _rules;
    /// <summary>The shortcut through runs of exact-match rules, rebuilt on the first walk after a change.</summary>
    internal ExactMatchRuns Runs => _runs ??= ExactMatchRuns.Build(_rules);
    private ExactMatchRuns? _runs;
    /// <summary>How many tables list this shared chain (it cannot change while any does).</summary>
    internal int ListedBy => _listedBy;
    private int _listedBy;

    internal void Listed(int by) => Interlocked.Add(ref _listedBy, by); // shared chains may be listed by clusters built on other threads
    /// <summary>Packets that fell off the end of this built-in chain and got its policy.</summary>
    public long PolicyPackets { get; internal set; }

    /// <summary>iptables -A.</summary>
    public IptRule Append(IptRule rule) => Insert(_rules.Count, rule);

    /// <summary>iptables -I at a 0-based position.</summary>
    public IptRule Insert(int index, IptRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if ((uint)index > (uint)_rules.Count) throw new ArgumentOutOfRangeException(nameof(index));
        IptTable.Validate(this, rule);
        _rules.Insert(index, rule);
        _runs = null;
        rule.Chain = this;
        Table?.Owner.OnRuleAdded(Kind, rule);
        return rule;
    }

    /// <summary>iptables -D.</summary>
    public bool Delete(IptRule rule)
    {
        if (IsShared && ListedBy > 0) throw new InvalidOperationException($"shared chain {Name} is listed and cannot change");
        if (!_rules.Remove(rule)) return false;
        _runs = null;
        rule.Chain = null;
        Table?.Owner.OnRuleRemoved(Kind, rule);
        return true;
    }

    /// <summary>iptables -F CHAIN.</summary>
    public void Flush()
    {
        while (_rules.Count > 0) Delete(_rules[^1]);
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Name} ({_rules.Count} rules)";
}
