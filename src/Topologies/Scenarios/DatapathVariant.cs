namespace NetSim.Topologies.Scenarios;

/// <summary>
/// A datapath name with its encryption, as <c>compare</c>, <c>--datapath</c> and <c>baseline</c> take it:
/// <c>calico-vxlan</c> (whatever the scenario's cni.encryption says), <c>calico-vxlan+wireguard</c>,
/// <c>cilium-vxlan+ipsec</c>, <c>weave+ipsec</c>, <c>weave-sleeve+nacl</c>, <c>cilium-ebpf+none</c> (unencrypted), so encrypted and plain variants of one CNI run side by side;
/// and a Calico datapath whose routes come over BGP with <c>+route-reflectors</c> (cni.bgp, the reflectors from cni.route_reflectors).
/// </summary>
public static class DatapathVariant
{
    private const char Separator = '+';
    public const string None = "none";
    public const string RouteReflectors = "route-reflectors";

    /// <summary>The datapath part of <paramref name="name"/>.</summary>
    public static string Datapath(string name)
    {
        int i = name.IndexOf(Separator, StringComparison.Ordinal);
        return i < 0 ? name : name[..i];
    }

    /// <summary>Known datapath and, after '+', an encryption it offers (or none).</summary>
    public static bool IsKnown(string name)
    {
        int i = name.IndexOf(Separator, StringComparison.Ordinal);
        if (i < 0) return DatapathNames.IsKnown(name);
        string datapath = name[..i], kind = name[(i + 1)..];
        return DatapathNames.IsKnown(datapath) && (kind == None || (NodeEncryptionKinds.Kinds.Contains(kind) && NodeEncryptionKinds.Supports(datapath, kind)) || (kind == RouteReflectors && OverBgp(datapath)));
    }

    /// <summary>Every name <see cref="IsKnown"/> accepts: the datapaths, then each with the encryptions it offers.</summary>
    public static IEnumerable<string> All =>
        DatapathNames.All.Concat(DatapathNames.All.SelectMany(d =>
            NodeEncryptionKinds.Kinds.Where(k => NodeEncryptionKinds.Supports(d, k)).Select(k => $"{d}{Separator}{k}")))
        .Concat(DatapathNames.All.Where(OverBgp).Select(d => $"{d}{Separator}{RouteReflectors}"));

    /// <summary>Calico's datapaths whose block routes BIRD learns over BGP (calico-vxlan's Felix programs them itself).</summary>
    private static bool OverBgp(string datapath) => datapath is DatapathNames.CalicoBgp or DatapathNames.CalicoIpip or DatapathNames.CalicoEbpf;

    /// <summary>The --set overrides that select <paramref name="name"/>: cni.datapath, and cni.encryption when named.</summary>
    public static string[] Overrides(string name)
    {
        int i = name.IndexOf(Separator, StringComparison.Ordinal);
        if (i < 0) return [$"cni.datapath={name}"];
        string kind = name[(i + 1)..];
        if (kind == RouteReflectors) return [$"cni.datapath={name[..i]}", $"cni.bgp={RouteReflectors}"];
        return [$"cni.datapath={name[..i]}", $"cni.encryption={(kind == None ? "false" : kind)}"];
    }
}
