using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads the scenario's cni.conflist (a path relative to the scenario file), checks it as the runtime would once
/// installers have filled in their placeholders, and checks it fits the datapath: its first plugin is the datapath's
/// CNI, and every plugin in the chain is one NetSim models.
/// </summary>
internal static partial class ConflistFileReader
{
    /// <summary>A conflist is a page of JSON; 1 MiB is far beyond any real one.</summary>
    public const long MaxBytes = 1L << 20;

    /// <summary>The plugin types NetSim implements (what /opt/cni/bin holds on a simulated node).</summary>
    public static readonly string[] ModelledPlugins = ["bandwidth", "bridge", "calico", "calico-ipam", "cilium-cni", "flannel", "host-local", "loopback", "portmap", "tuning", "sbr", "aws-cni", "ptp", "static", "whereabouts", "macvlan", "ipvlan", "weave-net", "sriov", "host-device"];

    /// <summary>The IPAM plugins among them.</summary>
    public static readonly string[] ModelledIpams = ["calico-ipam", "dhcp", "host-local", "static", "whereabouts"];

    public static string Read(YamlMap m, string file, string datapath)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(m.Doc.File)) ?? ".";
        string path = Path.IsPathRooted(file) ? file : Path.Combine(dir, file);
        if (!File.Exists(path) && !Directory.Exists(path)) throw m.Error("conflist", $"{file}: file not found (looked in {dir})");
        string text;
        try
        {
            text = InputFile.ReadText(path, "conflist", MaxBytes);
        }
        catch (InputException e)
        {
            throw m.Error("conflist", $"{file}{(e.Line > 0 ? $" line {e.Line}" : "")}: {e.Problem}");
        }
        NetworkConfigList list;
        try
        {
            list = NetworkConfigList.Parse(ConflistTemplate.Render(text, "node1", 1500, "10.244.0.0/24"));
        }
        catch (CniException e)
        {
            throw m.Error("conflist", $"{file}: {e.Msg} (CNI error {e.Code})");
        }
        CheckFits(m, file, list, datapath);
        return text;
    }

    private static void CheckFits(YamlMap m, string file, NetworkConfigList list, string datapath)
    {
        string main = list.Plugins[0]["type"]!.GetValue<string>();
        string? want = MainPlugin(datapath);
        if (want is null) throw m.Error("conflist", $"datapath {datapath} runs no CNI plugin; remove the conflist");
        if (main != want) throw m.Error("conflist", $"{file}: first plugin is \"{main}\" but datapath {datapath} needs \"{want}\"");
        foreach (var p in list.Plugins)
        {
            string type = p["type"]!.GetValue<string>();
            if (!ModelledPlugins.Contains(type, StringComparer.Ordinal))
                throw m.Error("conflist", $"{file}: plugin \"{type}\" is not modelled; NetSim has {string.Join(", ", ModelledPlugins)}");
            if (p["ipam"] is System.Text.Json.Nodes.JsonObject ipam && ipam["type"]?.GetValue<string>() is { } it && !ModelledIpams.Contains(it, StringComparer.Ordinal))
                throw m.Error("conflist", $"{file}: IPAM plugin \"{it}\" is not modelled; NetSim has {string.Join(", ", ModelledIpams)}");
            if (type is "macvlan" or "ipvlan" && p["mode"] is System.Text.Json.Nodes.JsonValue mode && mode.TryGetValue(out string? m0))
            {
                try
                {
                    if (type == "macvlan") Cni.Plugins.MacvlanPlugin.ModeOf(m0);
                    else Cni.Plugins.IpvlanPlugin.ModeOf(m0);
                }
                catch (CniException e)
                {
                    throw m.Error("conflist", $"{file}: {e.Msg} (CNI error {e.Code})");
                }
            }
            if (p["ipam"]?.ToJsonString() is { } ipamJson && Ipv6Subnet().Match(ipamJson) is { Success: true } v6)
                throw m.Error("conflist", $"{file}: IPv6 range {v6.Groups[1].Value} (a dual-stack network): NetSim's pods are IPv4 only; remove the IPv6 range set and its routes");
        }
    }

    /// <summary>The CNI plugin a datapath's conflist starts with (null: no CNI).</summary>
    public static string? MainPlugin(string datapath) => datapath switch
    {
        DatapathNames.Bridge => "bridge",
        DatapathNames.FlannelVxlan or DatapathNames.FlannelHostGw or DatapathNames.FlannelWireGuard => "flannel",
        DatapathNames.CalicoBgp or DatapathNames.CalicoIpip or DatapathNames.CalicoVxlan or DatapathNames.CalicoEbpf => "calico",
        DatapathNames.CiliumVxlan or DatapathNames.CiliumGeneve or DatapathNames.CiliumEbpf or DatapathNames.CiliumLegacy => "cilium-cni",
        DatapathNames.AwsVpcCni => "aws-cni",
        DatapathNames.Ptp => "ptp",
        DatapathNames.Macvlan => "macvlan",
        DatapathNames.Ipvlan => "ipvlan",
        DatapathNames.Sriov => "sriov",
        DatapathNames.HostDevice => "host-device",
        DatapathNames.Weave or DatapathNames.WeaveSleeve => "weave-net",
        _ => null,
    };

    [System.Text.RegularExpressions.GeneratedRegex("\"(?:subnet|dst)\":\"([0-9a-fA-F]*:[0-9a-fA-F:./]*)\"")]
    private static partial System.Text.RegularExpressions.Regex Ipv6Subnet();
}
