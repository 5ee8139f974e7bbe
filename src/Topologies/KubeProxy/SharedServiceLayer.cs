using System.Runtime.CompilerServices;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// What a proxy mode builds from the Service ports that every node programs alike (no Local traffic policy, no zone
/// hints: <see cref="EndpointCategories.SameOnEveryNode"/>), built by the first node synced from a Service list and
/// reused by every other node synced from the same list while it still holds the same ports: IPVS's virtual services,
/// the eBPF load balancer's service maps. The rest (NodePorts on the node's addresses, Local-policy ports) stays each
/// node's own: copy-on-write at the granularity of a Service port.
/// </summary>
internal sealed class SharedServiceLayer<T> where T : class
{
    private readonly ConditionalWeakTable<IReadOnlyList<ServicePort>, Entry> _byList = new();

    /// <summary>The layer for <paramref name="services"/>' node-independent ports, built with <paramref name="build"/> if no node has yet.</summary>
    public T For(IReadOnlyList<ServicePort> services, Func<IReadOnlyList<ServicePort>, T> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(build);
        var same = new List<ServicePort>(services.Count);
        foreach (ServicePort svc in services)
            if (EndpointCategories.SameOnEveryNode(svc)) same.Add(svc);
        if (_byList.TryGetValue(services, out Entry? e) && SamePorts(e.Ports, same)) return e.Value;
        T value = build(same);
        _byList.AddOrUpdate(services, new Entry(same, value)); // a list changed since: its new layer replaces the old
        return value;
    }

    /// <summary>The same Service port objects in the same order (a Service port is immutable: a change makes a new one).</summary>
    private static bool SamePorts(List<ServicePort> a, List<ServicePort> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (!ReferenceEquals(a[i], b[i])) return false;
        return true;
    }

    private sealed record Entry(List<ServicePort> Ports, T Value);
}
