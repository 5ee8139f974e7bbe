namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// A NetworkAttachmentDefinition (k8s.cni.cncf.io/v1): its namespace and name, spec.config (a CNI configuration or
/// configuration list, JSON), and the k8s.v1.cni.cncf.io/resourceName annotation naming the device-plugin resource each
/// attachment takes one unit of ("" none). <see cref="ConfigFile"/> is the file the config was read from, if any.
/// </summary>
public sealed record NetworkAttachmentSpec(string Namespace, string Name, string Config, string Resource)
{
    public string? ConfigFile { get; init; }

    /// <summary>Where a definition read from a Kubernetes manifest came from (null for the scenario's own).</summary>
    public ManifestOrigin? Origin { get; init; }

    /// <summary>
    /// The configuration Multus hands to the delegate: spec.config with the definition's name as "name" when it has
    /// none (Multus' getKubernetesDelegate fills it in, so a plugin README's example without a name works as a definition).
    /// </summary>
    public string CniConfig()
    {
        System.Text.Json.Nodes.JsonNode? root;
        try
        {
            root = System.Text.Json.Nodes.JsonNode.Parse(Config);
        }
        catch (System.Text.Json.JsonException)
        {
            return Config; // not JSON: the CNI parser says so, with its own message
        }
        if (root is not System.Text.Json.Nodes.JsonObject o || o.ContainsKey("name")) return Config;
        o["name"] = Name;
        return o.ToJsonString();
    }

    public const string NetworksAnnotation = "k8s.v1.cni.cncf.io/networks";
    public const string ResourceNameAnnotation = "k8s.v1.cni.cncf.io/resourceName";
    public const string NetworkStatusAnnotation = "k8s.v1.cni.cncf.io/network-status";
}
