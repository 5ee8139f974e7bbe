using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// CHECK's comparison of the container's network state with the prevResult, as the plugins library's
/// ip.ValidateExpectedInterfaceIPs and ip.ValidateExpectedRoute do it (containernetworking/plugins pkg/ip/utils.go):
/// every IP of the result is on CNI_IFNAME, and every route of the result is in the netns's main table (a default
/// route by destination alone, any other by destination and gateway). The messages are the library's.
/// </summary>
public static class ExpectedState
{
    /// <summary>Both checks on the container interface; a plain error (code 999) as the plugins return it.</summary>
    public static void Validate(NetworkNamespace netns, string ifName, CniResult prev)
    {
        ValidateInterfaceIps(netns, ifName, prev);
        ValidateRoutes(netns, prev);
    }

    public static void ValidateInterfaceIps(NetworkNamespace netns, string ifName, CniResult prev)
    {
        var dev = PodInterface.Find(netns, ifName)
            ?? throw new CniException(CniException.Internal, $"Error: Container Interface name in prevResult: {ifName} not found");
        foreach (CniIp ip in prev.Ips)
        {
            if (ip.Address.Contains(':', StringComparison.Ordinal)) continue; // NetSim's pods are IPv4 only
            var a = PodInterface.AddressOf(ip);
            if (!dev.Addresses.Any(x => x.Address == a))
                throw new CniException(CniException.Internal, $"Failed to match addr {ip.Address} on interface {ifName}");
        }
    }

    public static void ValidateRoutes(NetworkNamespace netns, CniResult prev)
    {
        foreach (CniRoute r in prev.Routes)
        {
            if (r.Dst.Contains(':', StringComparison.Ordinal)) continue;
            var dst = Ipv4Prefix.Parse(r.Dst);
            bool isDefault = dst.Length == 0;
            Ipv4Address? gw = r.Gw is { } g ? Ipv4Address.Parse(g) : null;
            bool found = netns.Routes.Routes.Any(x => x.Prefix == dst && (isDefault || gw is null || x.Gateway == gw.Value));
            if (!found)
                throw new CniException(CniException.Internal, $"Expected Route {{Dst:{r.Dst} GW:{r.Gw ?? "<nil>"}}} not found in routing table");
        }
    }
}
