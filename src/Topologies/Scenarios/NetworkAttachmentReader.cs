using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads "network_attachments" (NetworkAttachmentDefinitions: name, namespace, config or config_file, resource) and a
/// workload's "networks" (the k8s.v1.cni.cncf.io/networks annotation), checking each config as the runtime would and each
/// selection against the definitions that exist.
/// </summary>
internal static class NetworkAttachmentReader
{
    /// <summary>The CNI plugins a NetworkAttachmentDefinition may use in NetSim (Multus' delegates for secondary interfaces).</summary>
    public static readonly string[] SecondaryPlugins = ["macvlan", "ipvlan", "host-device", "sriov"];

    /// <summary>Meta-plugins a definition may chain after its plugin (SR-IOV with tuning, a second interface with sbr).</summary>
    public static readonly string[] ChainedPlugins = ["tuning", "sbr"];

    public static IReadOnlyList<NetworkAttachmentSpec> Read(IReadOnlyList<YamlMap> items)
    {
        var list = new List<NetworkAttachmentSpec>();
        foreach (var m in items)
        {
            string name = m.Text("name");
            if (!Dns1123.IsSubdomain(name)) throw m.Error("name", $"'{name}' is not a valid name (a DNS-1123 subdomain)");
            string ns = m.Text("namespace", "default");
            if (!Dns1123.IsLabel(ns)) throw m.Error("namespace", $"'{ns}' is not a namespace name");
            if (list.Any(a => a.Name == name && a.Namespace == ns)) throw m.Error("name", $"network attachment {ns}/{name} is defined twice");
            string? file = m.OptionalString("config_file");
            string config;
            if (file is not null)
            {
                if (m.Has("config")) throw m.Error("config_file", "give config or config_file, not both");
                string dir = Path.GetDirectoryName(Path.GetFullPath(m.Doc.File)) ?? ".";
                string path = Path.IsPathRooted(file) ? file : Path.Combine(dir, file);
                if (!File.Exists(path)) throw m.Error("config_file", $"{file}: file not found (looked in {dir})");
                try
                {
                    config = InputFile.ReadText(path, "config_file", ConflistFileReader.MaxBytes);
                }
                catch (InputException e)
                {
                    throw m.Error("config_file", $"{file}: {e.Problem}");
                }
            }
            else config = m.Text("config");
            string resource = m.Text("resource", "");
            var spec = new NetworkAttachmentSpec(ns, name, config, resource) { ConfigFile = file };
            Check(m, file is null ? "config" : "config_file", spec);
            m.RejectUnknown();
            list.Add(spec);
        }
        return list;
    }

    /// <summary>spec.config parses as a CNI configuration (or list) whose plugins NetSim has for secondary interfaces.</summary>
    private static void Check(YamlMap m, string key, NetworkAttachmentSpec spec)
    {
        if (Problem(spec) is { } problem) throw m.Error(key, problem);
    }

    /// <summary>What is wrong with a definition's config, or null.</summary>
    public static string? Problem(NetworkAttachmentSpec spec)
    {
        NetworkConfigList list;
        try
        {
            list = NetworkConfigList.Parse(spec.CniConfig());
        }
        catch (CniException e)
        {
            return $"{e.Msg} (CNI error {e.Code})";
        }
        for (int i = 0; i < list.Plugins.Count; i++)
        {
            var p = list.Plugins[i];
            string type = p["type"]!.GetValue<string>();
            if (i > 0 && ChainedPlugins.Contains(type, StringComparer.Ordinal)) continue;
            if (!SecondaryPlugins.Contains(type, StringComparer.Ordinal))
                return $"plugin \"{type}\" is not one NetSim attaches as a secondary interface; it has {string.Join(", ", SecondaryPlugins)}";
            if (p["ipam"] is System.Text.Json.Nodes.JsonObject ipam && ipam["type"]?.GetValue<string>() is { Length: > 0 } it && !ConflistFileReader.ModelledIpams.Contains(it, StringComparer.Ordinal))
                return $"IPAM plugin \"{it}\" is not modelled; NetSim has {string.Join(", ", ConflistFileReader.ModelledIpams)}";
        }
        return null;
    }

    /// <summary>Workloads from manifests: each selection names a definition of the scenario or the manifests (the error at the manifest).</summary>
    public static void CheckManifestSelections(IReadOnlyList<WorkloadSpec> workloads, IReadOnlyList<NetworkAttachmentSpec> attachments, string datapath)
    {
        foreach (var w in workloads.Where(w => w.Origin is not null && w.Networks.Count > 0))
        {
            const string field = "spec.template.metadata.annotations";
            if (datapath == DatapathNames.Host)
                throw w.Origin!.Error(field, "secondary networks attach through Multus, which delegates eth0 to the cluster's CNI: datapath host runs pods in the node's network and has none");
            foreach (var s in w.Networks)
                if (!attachments.Any(a => a.Namespace == s.Namespace && a.Name == s.Name))
                    throw w.Origin!.Error(field, $"cannot find a network-attachment-definition ({s.Name}) in namespace ({s.Namespace})");
        }
    }

    /// <summary>A workload's "networks": the annotation's value (a string, or a list of its items), each naming a definition that exists.</summary>
    public static IReadOnlyList<NetworkSelection> Selections(YamlMap m, WorkloadSpec w, IReadOnlyList<NetworkAttachmentSpec> attachments, string datapath)
    {
        if (datapath == DatapathNames.Host)
            throw m.Error("networks", "secondary networks attach through Multus, which delegates eth0 to the cluster's CNI: datapath host runs pods in the node's network and has none");
        string text = m.Find("networks") is YamlDotNet.RepresentationModel.YamlSequenceNode ? string.Join(",", m.Strings("networks")) : m.Text("networks");
        if (!NetworkSelection.TryParse(text, w.Namespace, out var list, out string error)) throw m.Error("networks", error);
        if (w.HostNetwork && list.Count > 0) throw m.Error("networks", "a hostNetwork pod runs in the node's network: Multus attaches nothing to it");
        foreach (var s in list)
            if (!attachments.Any(a => a.Namespace == s.Namespace && a.Name == s.Name))
                throw m.Error("networks", $"cannot find a network-attachment-definition ({s.Name}) in namespace ({s.Namespace}); defined: {(attachments.Count == 0 ? "none" : string.Join(", ", attachments.Select(a => $"{a.Namespace}/{a.Name}")))}");
        return list;
    }
}
