namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// A NetworkAttachmentDefinition (k8s.cni.cncf.io/v1): its namespace and name, spec.config (a CNI configuration or
/// configuration list, JSON), and the k8s.v1.cni.cncf.io/resourceName annotation naming the device-plugin resource each
/// attachment takes one unit of ("" none). <see cref="ConfigFile"/> is the file the config was read from, if any.
/// </summary>
public sealed record NetworkAttachmentSpec(string Namespace, string Name, string Config, string Resource)
{
    public string? ConfigFile { get; init; }

    public const string NetworksAnnotation = "k8s.v1.cni.cncf.io/networks";
    public const string ResourceNameAnnotation = "k8s.v1.cni.cncf.io/resourceName";
    public const string NetworkStatusAnnotation = "k8s.v1.cni.cncf.io/network-status";
}
