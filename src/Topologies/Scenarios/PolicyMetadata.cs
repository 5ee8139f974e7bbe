using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>The metadata of a Calico or Cilium policy object: a valid name, and a namespace ("default" when not given; refused on a cluster-wide kind).</summary>
internal static class PolicyMetadata
{
    public static (string Name, string Namespace) Read(YamlMap m, string kind, bool clusterwide)
    {
        var meta = m.Map("metadata");
        string name = meta.Text("name");
        if (!Dns1123.IsSubdomain(name)) throw meta.Error("name", $"'{name}' is not a valid name");
        if (clusterwide && meta.Has("namespace")) throw meta.Error("namespace", $"a {kind} is not namespaced");
        string ns = clusterwide ? "" : meta.Text("namespace", "default");
        meta.StringMap("labels");
        meta.StringMap("annotations");
        meta.RejectUnknown();
        return (name, ns);
    }
}
