using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The calico CNI plugin (reference §1.5, §6): IPAM delegated to calico-ipam (a /32 from the node's blocks), a
/// cali… veth with proxy_arp, the pod routed through 169.254.1.1, and a /32 host route per pod that Felix and
/// BIRD aggregate per block. The workload endpoint is registered for the eBPF dataplane's programs.
/// </summary>
public sealed class CalicoPlugin : RoutedVethPlugin
{
    /// <summary>The link-local gateway every Calico pod routes through.</summary>
    public static readonly Ipv4Address PodGateway = Ipv4Address.Parse("169.254.1.1");

    public CalicoPlugin(CniNode node) : base(node) { }

    public override string Type => "calico";

    protected override string HostPrefix => "cali";

    protected override Ipv4Address Gateway(CniRequest request) => PodGateway;

    protected override int Mtu(CniRequest request) => request.GetInt("mtu", 1500);

    protected override CniResult AllocateIp(CniRequest request)
    {
        if (request.GetString("nodename", "") is var n && n.Length > 0 && n != Node.Name)
            throw new CniException(CniException.InvalidNetworkConfig, $"calico: nodename \"{n}\" is not this node ({Node.Name})");
        return request.DelegateAdd();
    }

    protected override void ReleaseIp(CniRequest request) => request.DelegateDel();
}
