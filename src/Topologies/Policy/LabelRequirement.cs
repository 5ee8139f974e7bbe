namespace NetSim.Topologies.Policy;

/// <summary>One matchExpressions item: a key, an operator and (for In / NotIn) the values.</summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>NotIn and DoesNotExist also match objects that lack the key, as apimachinery's labels.Requirement does.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        bool has = labels.TryGetValue(Key, out string? value);
        return Operator switch
        {
            SelectorOperator.In => has && Values.Contains(value!, StringComparer.Ordinal),
            SelectorOperator.NotIn => !has || !Values.Contains(value!, StringComparer.Ordinal),
            SelectorOperator.Exists => has,
            _ => !has,
        };
    }
}
