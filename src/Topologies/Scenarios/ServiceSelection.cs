using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Which workloads each Service selects, found through an index of workloads by namespace and label, so thousands
/// of Services over thousands of workloads are matched in linear time rather than every pair.
/// </summary>
public sealed class ServiceSelection
{
    private readonly Dictionary<(string Namespace, string Key, string Value), List<WorkloadSpec>> _byLabel = new();

    /// <summary>Indexes the workloads that have pods (replicas above zero).</summary>
    public ServiceSelection(IEnumerable<WorkloadSpec> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        foreach (var w in workloads.Where(w => w.Replicas > 0))
            foreach (var (k, v) in w.Labels)
            {
                if (!_byLabel.TryGetValue((w.Namespace, k, v), out var list)) _byLabel[(w.Namespace, k, v)] = list = [];
                list.Add(w);
            }
    }

    /// <summary>The workloads <paramref name="svc"/> selects: in its namespace, carrying every label of its selector (none for an empty selector).</summary>
    public List<WorkloadSpec> Of(ServiceSpec svc)
    {
        ArgumentNullException.ThrowIfNull(svc);
        if (svc.Selector.Count == 0) return [];
        var (k, v) = svc.Selector.First();
        return _byLabel.TryGetValue((svc.Namespace, k, v), out var candidates) ? candidates.Where(w => Selects(svc.Selector, w.Labels)).ToList() : [];
    }

    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
