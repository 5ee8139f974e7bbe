using NetSim.Engine.Addressing;
using NetSim.Topologies.Ipam;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// cilium-cni: asks the node's agent for an address (cluster-pool IPAM: the node's pod CIDR from .2, the router
/// address .1 being cilium_host's), creates an lxc… veth with the pod routed through the router address, and
/// registers the endpoint, on whose host veth the agent attaches bpf_lxc. The MTU is the agent's.
/// </summary>
public sealed class CiliumCniPlugin : RoutedVethPlugin
{
    private readonly HostLocalAllocator _agentIpam;
    private readonly Ipv4Address _router;
    private readonly int _mtu;

    public CiliumCniPlugin(CniNode node, HostLocalAllocator agentIpam, Ipv4Address router, int mtu) : base(node)
    {
        _agentIpam = agentIpam;
        _router = router;
        _mtu = mtu;
    }

    public override string Type => "cilium-cni";

    protected override string HostPrefix => "lxc";

    protected override Ipv4Address Gateway(CniRequest request) => _router;

    protected override int Mtu(CniRequest request) => _mtu;

    protected override CniResult AllocateIp(CniRequest request)
    {
        IpamAllocation got;
        try
        {
            got = _agentIpam.Get(request.Args.ContainerId, request.Args.IfName);
        }
        catch (IpamException e)
        {
            throw new CniException(CniException.Internal, $"unable to allocate IP via local cilium agent: {e.Message}");
        }
        var result = new CniResult();
        result.Ips.Add(new CniIp(got.Cidr, got.Gateway.ToString()));
        return result;
    }

    protected override void ReleaseIp(CniRequest request) => _agentIpam.Release(request.Args.ContainerId, request.Args.IfName);
}
