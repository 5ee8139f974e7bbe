using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Routing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// What the macvlan and ipvlan plugins share: finding "master" on the host (loadConf's default is the interface of
/// the host's default route), checking "mtu" against it, and running IPAM onto the new link (ipam.ConfigureIface,
/// every address on interface 0).
/// </summary>
public static class LowerDevice
{
    public static PhysicalDevice Master(NetworkNamespace host, CniRequest request)
    {
        if (request.GetBool("linkInContainer", false))
            throw new CniException(CniException.InvalidNetworkConfig, "linkInContainer: a master inside the pod's netns is not modelled (NetSim's pods have no interface of their own to stack on)");
        string master = request.GetString("master", "");
        if (master.Length == 0)
            master = host.LookupRoute(Engine.Addressing.Ipv4Address.Any) is { Type: RouteType.Unicast, Device: { } d } ? d.Name
                : throw CniException.InLoadConf(CniException.Internal, "no default route interface found");
        return PodInterface.Find(host, master) switch
        {
            PhysicalDevice p => p,
            null => throw CniException.InLoadConf(CniException.Internal, $"failed to lookup master \"{master}\": Link not found"),
            var other => throw CniException.InLoadConf(CniException.Internal, $"failed to lookup master \"{master}\": {other.Name} is not an Ethernet NIC NetSim can stack on"),
        };
    }

    /// <summary>"mtu": 0 or absent is the master's; above it is refused as loadConf does.</summary>
    public static int Mtu(CniRequest request, PhysicalDevice lower)
    {
        int mtu = request.GetInt("mtu", 0);
        if (mtu < 0 || mtu > lower.Mtu) throw CniException.InLoadConf(CniException.Internal, $"invalid MTU {mtu}, must be [0, master MTU({lower.Mtu})]");
        return mtu;
    }

    public static bool HasIpam(CniRequest request) =>
        request.Config["ipam"] is System.Text.Json.Nodes.JsonObject ipam && ipam["type"] is System.Text.Json.Nodes.JsonValue t && t.TryGetValue(out string? s) && s.Length > 0;

    /// <summary>IPAM ADD, its addresses and routes on <paramref name="dev"/> (interface 0 of the result); IPAM released if that fails.</summary>
    public static void ConfigureWithIpam(CniRequest request, NetworkNamespace netns, NetDevice dev, CniResult result)
    {
        var ipam = request.DelegateAdd();
        try
        {
            if (ipam.Ips.Count == 0) throw new CniException(CniException.Internal, "IPAM plugin returned missing IP config");
            foreach (var ip in ipam.Ips) result.Ips.Add(ip with { Interface = 0 });
            result.Routes.AddRange(ipam.Routes);
            result.Dns = ipam.Dns;
            PodInterface.ConfigureIface(netns, dev, result);
        }
        catch (CniException)
        {
            request.DelegateDel();
            throw;
        }
    }

    /// <summary>net.ParseMAC of six colon-separated hex octets; <paramref name="error"/> is the plugin's message when it is not one.</summary>
    public static Engine.Addressing.MacAddress ParseMac(string text, string error)
    {
        string[] parts = text.Split(':');
        ulong value = 0;
        foreach (string part in parts)
        {
            if (parts.Length != 6 || part.Length != 2 || !byte.TryParse(part, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out byte b))
                throw new CniException(CniException.Internal, error);
            value = (value << 8) | b;
        }
        return new Engine.Addressing.MacAddress(value);
    }
}
