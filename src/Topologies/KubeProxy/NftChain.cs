namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// A chain of kube-proxy's nftables table: a base chain at a hook, or a regular chain reached by jump/goto/vmap.
/// A shared chain is written once and listed in the table of every node whose kube-proxy writes it identically.
/// </summary>
public sealed class NftChain
{
    private readonly List<NftRule> _rules = new();

    internal NftChain(string name, bool shared = false)
    {
        Name = name;
        IsShared = shared;
    }

    public string Name { get; }
    /// <summary>Written once for every node that lists it (its rules hold no node's state): never flushed by one node's sync.</summary>
    public bool IsShared { get; }
    public IReadOnlyList<NftRule> Rules => _rules;
    internal List<NftRule> RuleList => _rules;

    internal void Add(NftRule rule) => _rules.Add(rule);

    internal void Flush() => _rules.Clear();

    public override string ToString() => $"chain {Name} ({_rules.Count} rules)";
}
