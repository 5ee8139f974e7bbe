using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// What Multus reads from and writes to the API server: the NetworkAttachmentDefinitions, each pod's
/// k8s.v1.cni.cncf.io/networks selection, and the network-status it writes back after attaching a pod.
/// </summary>
public sealed class NetworkAttachmentStore
{
    private readonly Dictionary<(string Ns, string Name), NetworkAttachmentSpec> _definitions = new();
    private readonly Dictionary<(string Ns, string Name), IReadOnlyList<NetworkSelection>> _selections = new();
    private readonly Dictionary<(string Ns, string Name), IReadOnlyList<NetworkStatus>> _status = new();

    public NetworkAttachmentStore(IEnumerable<NetworkAttachmentSpec> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var d in definitions) _definitions[(d.Namespace, d.Name)] = d;
    }

    public NetworkAttachmentSpec? Definition(string ns, string name) => _definitions.GetValueOrDefault((ns, name));

    /// <summary>The pod's annotation, as the scheduler's pod object carries it.</summary>
    public void Annotate(string ns, string pod, IReadOnlyList<NetworkSelection> networks) => _selections[(ns, pod)] = networks;

    public IReadOnlyList<NetworkSelection> Selections(string ns, string pod) => _selections.GetValueOrDefault((ns, pod)) ?? [];

    public void SetStatus(string ns, string pod, IReadOnlyList<NetworkStatus> status) => _status[(ns, pod)] = status;

    public void ClearStatus(string ns, string pod) => _status.Remove((ns, pod));

    /// <summary>The pod's network-status (empty before Multus has attached it).</summary>
    public IReadOnlyList<NetworkStatus> Status(string ns, string pod) => _status.GetValueOrDefault((ns, pod)) ?? [];
}
