namespace NetSim.Topologies.KubeProxy;

/// <summary>A chain of kube-proxy's nftables table: a base chain at a hook, or a regular chain reached by jump/goto/vmap.</summary>
public sealed class NftChain
{
    private readonly List<NftRule> _rules = new();

    internal NftChain(string name) => Name = name;

    public string Name { get; }
    public IReadOnlyList<NftRule> Rules => _rules;
    internal List<NftRule> RuleList => _rules;

    internal void Add(NftRule rule) => _rules.Add(rule);

    internal void Flush() => _rules.Clear();

    public override string ToString() => $"chain {Name} ({_rules.Count} rules)";
}
