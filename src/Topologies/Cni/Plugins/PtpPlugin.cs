using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The CNI ptp plugin (containernetworking/plugins main/ptp): a point-to-point veth, no bridge. IPAM (host-local)
/// gives the pod its address in the subnet; in the pod, the subnet's connected route is replaced by "GW/32 dev
/// eth0 scope link" and "SUBNET via GW", so everything, the pod's own subnet included, goes to the host end; the
/// IPAM routes (a default route via GW) follow. On the host: the gateway as a /32 on the host end (the same gateway
/// on every pod's host end), a /32 host route to the pod through it, ip_forward on, and with ipMasq the pod's traffic
/// leaving its subnet masqueraded.
/// </summary>
public sealed class PtpPlugin : ICniPlugin
{
    private readonly CniNode _node;

    public PtpPlugin(CniNode node) => _node = node;

    public string Type => "ptp";

    public CniResult Add(CniRequest request)
    {
        var netns = _node.Netns(request.Args.NetNs);
        var ipam = request.DelegateAdd();
        try
        {
            return Attach(request, netns, ipam);
        }
        catch (CniException)
        {
            request.DelegateDel();
            throw;
        }
    }

    private CniResult Attach(CniRequest request, NetworkNamespace netns, CniResult ipam)
    {
        if (ipam.Ips.Count == 0) throw new CniException(CniException.Internal, "IPAM plugin returned missing IP config");
        int mtu = request.GetInt("mtu", 1500);
        var veth = PodInterface.SetupVeth(netns, request.Args.IfName, _node.Host, VethNames.HostSide("veth", request.Args), mtu);
        var result = new CniResult { Dns = ipam.Dns };
        result.Interfaces.Add(new CniInterface(veth.B.Name, veth.B.Mac.ToString()));
        result.Interfaces.Add(new CniInterface(veth.A.Name, veth.A.Mac.ToString(), request.Args.NetNs));
        foreach (var ip in ipam.Ips) result.Ips.Add(ip with { Interface = 1 });
        result.Routes.AddRange(ipam.Routes);
        PodInterface.ConfigureIface(netns, veth.A, result);
        foreach (var ip in result.Ips) PointToPoint(netns, veth, ip);
        _node.Host.IpForwarding = true;
        if (request.GetBool("ipMasq", false)) IpMasquerade.Setup(_node.Host, request, PodInterface.AddressOf(ipam.Ips[0]), PodInterface.SubnetOf(ipam.Ips[0]));
        if (request.Config["dns"] is System.Text.Json.Nodes.JsonObject dns && dns.Count > 0) result.Dns = CniDns.From(dns);
        return result;
    }

    /// <summary>setupContainerVeth's route swap in the pod and setupHostVeth's gateway address and host route.</summary>
    private void PointToPoint(NetworkNamespace netns, VethPair veth, CniIp ip)
    {
        if (ip.Gateway is null) throw new CniException(CniException.Internal, "ptp: the IPAM result has no gateway");
        var podIp = PodInterface.AddressOf(ip);
        var subnet = PodInterface.SubnetOf(ip);
        var gw = Ipv4Address.Parse(ip.Gateway);
        if (netns.Routes.Routes.FirstOrDefault(r => r.Prefix == subnet && r.Device == veth.A && r.Gateway == Ipv4Address.Any) is { } connected)
            netns.Routes.Remove(connected);
        netns.AddRoute(new Route { Prefix = new Ipv4Prefix(gw, 32), Device = veth.A, Scope = RouteScope.Link, PreferredSource = podIp });
        netns.AddRoute(new Route { Prefix = subnet, Device = veth.A, Gateway = gw, PreferredSource = podIp });
        _node.Host.AddAddress(veth.B, $"{gw}/32");
        _node.Host.AddRoute($"{podIp}/32", veth.B);
        _node.LocalEndpoints.Add((podIp, veth.B));
    }

    /// <summary>Best effort: IPAM is released and the masquerade rules go even when the netns is gone; the veth goes with the pod end.</summary>
    public void Del(CniRequest request)
    {
        request.DelegateDel();
        if (_node.TryNetns(request.Args.NetNs) is { } netns && PodInterface.Find(netns, request.Args.IfName) is VethDevice dev)
        {
            _node.LocalEndpoints.RemoveAll(e => e.HostVeth == dev.Peer);
            dev.Delete();
        }
        if (request.GetBool("ipMasq", false)) IpMasquerade.Teardown(_node.Host, request);
    }

    public void Check(CniRequest request)
    {
        request.DelegateCheck();
        _node.CheckLocalEndpoint(request, Type);
        if (request.PrevResult is { } prev) ExpectedState.Validate(_node.Netns(request.Args.NetNs), request.Args.IfName, prev);
    }
}
