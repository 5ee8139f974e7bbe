namespace NetSim.Topologies.Cni;

/// <summary>A CNI plugin (a binary in CNI_PATH on a real node): ADD, DEL and CHECK on one attachment.</summary>
public interface ICniPlugin
{
    /// <summary>The plugin's "type" as named in configurations, e.g. "bridge", "host-local".</summary>
    string Type { get; }
    CniResult Add(CniRequest request);
    /// <summary>Best effort and idempotent: succeeds on missing resources and repeated calls.</summary>
    void Del(CniRequest request);
    void Check(CniRequest request);

    /// <summary>What the plugin's VERSION prints as supportedVersions: the Go library's version.All unless it says less.</summary>
    IReadOnlyList<string> SupportedVersions => CniVersion.Supported;
}
