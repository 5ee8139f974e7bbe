using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// What the plugins library's ip.SetupVeth and ipam.ConfigureIface do for every veth-based plugin: create the pair
/// (CNI_IFNAME in the pod, the plugin's name on the host), and give the pod end its addresses and routes.
/// </summary>
public static class PodInterface
{
    /// <summary>A veth pair between the pod's netns and the host; the spec's error if either name is taken.</summary>
    public static VethPair SetupVeth(NetworkNamespace pod, string ifName, NetworkNamespace host, string hostName, int mtu)
    {
        if (Has(pod, ifName)) throw new CniException(CniException.Internal, $"container veth name provided ({ifName}) already exists");
        if (Has(host, hostName)) throw new CniException(CniException.Internal, $"failed to create veth: host veth name {hostName} already exists");
        return new VethPair(pod, ifName, host, hostName, mtu);
    }

    /// <summary>The device named <paramref name="name"/> in <paramref name="ns"/>, or null.</summary>
    public static NetDevice? Find(NetworkNamespace ns, string name)
    {
        foreach (NetDevice d in ns.Devices)
            if (string.Equals(d.Name, name, StringComparison.Ordinal)) return d;
        return null;
    }

    private static bool Has(NetworkNamespace ns, string name) => Find(ns, name) is not null;

    /// <summary>
    /// ipam.ConfigureIface: each IP of the result on the device, then each route, through the route's own gateway or
    /// else the gateway of the first IP (a route with neither is on-link).
    /// </summary>
    public static void ConfigureIface(NetworkNamespace ns, NetDevice dev, CniResult result)
    {
        string? gateway = null;
        foreach (CniIp ip in result.Ips)
        {
            ns.AddAddress(dev, ip.Address);
            gateway ??= ip.Gateway;
        }
        foreach (CniRoute r in result.Routes)
        {
            string? via = r.Gw ?? gateway;
            if (ns.Routes.Routes.Any(x => x.Prefix == Ipv4Prefix.Parse(r.Dst))) continue;
            ns.AddRoute(r.Dst, dev, via: via);
        }
    }

    /// <summary>The address part of a result IP ("10.244.1.5/24" → 10.244.1.5).</summary>
    public static Ipv4Address AddressOf(CniIp ip) => Ipv4Address.Parse(ip.Address[..ip.Address.IndexOf('/', StringComparison.Ordinal)]);

    /// <summary>The prefix an IP's CIDR names ("10.244.1.5/24" → 10.244.1.0/24).</summary>
    public static Ipv4Prefix SubnetOf(CniIp ip)
    {
        var a = AddressOf(ip);
        int len = int.Parse(ip.Address[(ip.Address.IndexOf('/', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return new Ipv4Prefix(new Ipv4Address(a.Value & Ipv4Prefix.MaskOf(len)), len);
    }
}
