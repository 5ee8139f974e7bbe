namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// An iptables chain: a built-in chain of a table at one hook (with a policy), or a user-defined chain reached by
/// jumps. Rules are evaluated in order.
/// </summary>
public sealed class IptChain
{
    private readonly List<IptRule> _rules = new();

    internal IptChain(IptTable table, string name, bool builtin)
    {
        Table = table;
        Name = name;
        IsBuiltin = builtin;
    }

    public IptTable Table { get; }
    public string Name { get; }
    public bool IsBuiltin { get; }
    /// <summary>The policy of a built-in chain (user chains return to their caller instead).</summary>
    public NfPolicy Policy { get; set; } = NfPolicy.Accept;
    public IReadOnlyList<IptRule> Rules => _rules;
    internal List<IptRule> RuleList => _rules;
    /// <summary>The shortcut through runs of exact-match rules, rebuilt on the first walk after a change.</summary>
    internal ExactMatchRuns Runs => _runs ??= ExactMatchRuns.Build(_rules);
    private ExactMatchRuns? _runs;
    /// <summary>Packets that fell off the end of this built-in chain and got its policy.</summary>
    public long PolicyPackets { get; internal set; }

    /// <summary>iptables -A.</summary>
    public IptRule Append(IptRule rule) => Insert(_rules.Count, rule);

    /// <summary>iptables -I at a 0-based position.</summary>
    public IptRule Insert(int index, IptRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if ((uint)index > (uint)_rules.Count) throw new ArgumentOutOfRangeException(nameof(index));
        Table.Validate(this, rule);
        _rules.Insert(index, rule);
        _runs = null;
        rule.Chain = this;
        Table.Owner.OnRuleAdded(Table, rule);
        return rule;
    }

    /// <summary>iptables -D.</summary>
    public bool Delete(IptRule rule)
    {
        if (!_rules.Remove(rule)) return false;
        _runs = null;
        rule.Chain = null;
        Table.Owner.OnRuleRemoved(Table, rule);
        return true;
    }

    /// <summary>iptables -F CHAIN.</summary>
    public void Flush()
    {
        while (_rules.Count > 0) Delete(_rules[^1]);
    }

    public override string ToString() => $"{Table.Name} {Name} ({_rules.Count} rules)";
}
