using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// Cilium's security identities: one numeric identity per distinct set of labels (a pod's own labels with its
/// namespace's, io.kubernetes.pod.namespace and io.cilium.k8s.namespace.labels.*), cluster-local ones from 256 up,
/// and the ipcache that maps each endpoint address to its identity. Reserved identities: host 1, world 2, remote-node 6
/// (Cilium docs, "Identity" / reserved labels).
/// </summary>
public sealed class PolicyIdentities
{
    public const uint Host = 1, World = 2, RemoteNode = 6, FirstClusterLocal = 256;

    private readonly Dictionary<Ipv4Address, uint> _ipcache = new();
    private readonly Dictionary<string, uint> _byLabels = new(StringComparer.Ordinal);

    public PolicyIdentities(ClusterPolicies cluster) => Update(cluster);

    /// <summary>
    /// The agent's view after pods came or went: each endpoint's address maps to its labels' identity (an identity
    /// once allocated keeps its number; a new label set gets the next one), a gone pod's address leaves the ipcache.
    /// </summary>
    public void Update(ClusterPolicies cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _ipcache.Clear();
        foreach (var e in cluster.Endpoints.OrderBy(e => e.Namespace, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal))
        {
            string key = LabelKey(e, cluster.NamespaceLabels(e.Namespace));
            if (!_byLabels.TryGetValue(key, out uint id)) _byLabels[key] = id = FirstClusterLocal + (uint)_byLabels.Count;
            _ipcache[e.Address] = id;
        }
    }

    /// <summary>How many distinct identities the cluster's pods have.</summary>
    public int Count => _byLabels.Count;

    /// <summary>The ipcache lookup: an endpoint's identity, else 0 (the caller decides host, remote-node or world).</summary>
    public uint Of(Ipv4Address address) => _ipcache.GetValueOrDefault(address);

    private static string LabelKey(PolicyEndpoint e, IReadOnlyDictionary<string, string> nsLabels) =>
        string.Join(';', e.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"k8s:{l.Key}={l.Value}")
            .Concat(nsLabels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"k8s:io.cilium.k8s.namespace.labels.{l.Key}={l.Value}"))
            .Append($"k8s:io.kubernetes.pod.namespace={e.Namespace}").Append($"k8s:io.cilium.k8s.policy.serviceaccount={e.ServiceAccount}"));
}
