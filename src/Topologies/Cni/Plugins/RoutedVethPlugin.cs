using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The shape Calico's and Cilium's plugins share: no bridge. The pod gets a /32 on CNI_IFNAME, a scope-link route
/// to its gateway and a default route through it; the host end answers ARP for that gateway (proxy_arp), the host
/// has a /32 route per pod through the host end, and the pod is registered as a local endpoint of the node's agent.
/// </summary>
public abstract class RoutedVethPlugin : ICniPlugin
{
    protected RoutedVethPlugin(CniNode node) => Node = node;

    protected CniNode Node { get; }

    public abstract string Type { get; }

    /// <summary>The host-side name prefix ("cali", "lxc").</summary>
    protected abstract string HostPrefix { get; }

    /// <summary>The pod's gateway: Calico's link-local 169.254.1.1, Cilium's router address on cilium_host.</summary>
    protected abstract Ipv4Address Gateway(CniRequest request);

    protected abstract int Mtu(CniRequest request);

    /// <summary>The pod's address (from IPAM), as a result with one IP and no interfaces.</summary>
    protected abstract CniResult AllocateIp(CniRequest request);

    protected abstract void ReleaseIp(CniRequest request);

    public CniResult Add(CniRequest request)
    {
        var netns = Node.Netns(request.Args.NetNs);
        var ipam = AllocateIp(request);
        try
        {
            return Attach(request, netns, ipam);
        }
        catch (CniException)
        {
            ReleaseIp(request);
            throw;
        }
    }

    private CniResult Attach(CniRequest request, Datapaths.Namespaces.NetworkNamespace netns, CniResult ipam)
    {
        if (ipam.Ips.Count == 0) throw new CniException(CniException.Internal, "IPAM plugin returned missing IP config");
        var ip = PodInterface.AddressOf(ipam.Ips[0]);
        var gateway = Gateway(request);
        var veth = PodInterface.SetupVeth(netns, request.Args.IfName, Node.Host, VethNames.HostSide(HostPrefix, request.Args), Mtu(request));
        netns.AddAddress(veth.A, $"{ip}/32");
        netns.AddRoute($"{gateway}/32", veth.A);
        netns.AddRoute("0.0.0.0/0", veth.A, via: gateway.ToString(), onLink: true);
        veth.B.ProxyArp = true;
        Node.Host.IpForwarding = true;
        Node.Host.AddRoute($"{ip}/32", veth.B);
        Node.LocalEndpoints.Add((ip, veth.B));
        var result = new CniResult { Dns = ipam.Dns };
        result.Interfaces.Add(new CniInterface(veth.B.Name, veth.B.Mac.ToString()));
        result.Interfaces.Add(new CniInterface(veth.A.Name, veth.A.Mac.ToString(), request.Args.NetNs));
        result.Ips.Add(new CniIp($"{ip}/32", null, 1));
        result.Routes.Add(new CniRoute("0.0.0.0/0", gateway.ToString()));
        return result;
    }

    /// <summary>Best effort: the endpoint and the IP are released even when the netns is gone.</summary>
    public void Del(CniRequest request)
    {
        ReleaseIp(request);
        string hostName = VethNames.HostSide(HostPrefix, request.Args);
        Node.LocalEndpoints.RemoveAll(e => e.HostVeth.Name == hostName);
        if (PodInterface.Find(Node.Host, hostName) is { } dev) dev.Delete();
    }

    public void Check(CniRequest request) => Node.CheckLocalEndpoint(request, Type);
}
