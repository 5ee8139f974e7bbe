namespace NetSim.Topologies.Policy;

/// <summary>
/// A Kubernetes label selector: every matchLabels pair and every matchExpressions requirement must hold (ANDed).
/// The empty selector matches everything.
/// </summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<LabelRequirement> Expressions)
{
    public static LabelSelector Everything { get; } = new(new Dictionary<string, string>(), []);

    public bool IsEmpty => MatchLabels.Count == 0 && Expressions.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (k, v) in MatchLabels)
            if (!labels.TryGetValue(k, out string? have) || have != v) return false;
        foreach (var r in Expressions)
            if (!r.Matches(labels)) return false;
        return true;
    }

    /// <summary>A stable text form (as kubectl prints selectors), used to name ipsets and identities.</summary>
    public override string ToString()
    {
        var parts = MatchLabels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}").ToList();
        foreach (var r in Expressions)
            parts.Add(r.Operator switch
            {
                SelectorOperator.Exists => r.Key,
                SelectorOperator.DoesNotExist => $"!{r.Key}",
                _ => $"{r.Key} {(r.Operator == SelectorOperator.In ? "in" : "notin")} ({string.Join(",", r.Values)})",
            });
        return parts.Count == 0 ? "{}" : string.Join(",", parts);
    }
}
