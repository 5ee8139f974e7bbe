namespace NetSim.Testbed;

/// <summary>
/// One of the four ways the testbed carries traffic between two endpoints, with the NetSim datapath that models it:
/// host networking (node to node over the veth pair), a same-node bridge (two pods on node1's cni0), cross-node
/// host-gw routing (a route to the peer's pod subnet via the peer node) and cross-node VXLAN (flannel.1).
/// </summary>
public sealed record TestbedPath(string Name, string Datapath, string Server, string Description)
{
    public static readonly TestbedPath Host = new("host", "host", TestbedNames.ServerPod, "host networking: node1 to node2 over the veth pair");
    public static readonly TestbedPath Bridge = new("bridge", "bridge", TestbedNames.PeerPod, "same-node bridge: pod to pod on node1's cni0");
    public static readonly TestbedPath HostGw = new("host-gw", "flannel-host-gw", TestbedNames.ServerPod, "cross-node host-gw: pod on node1 to pod on node2, routed via node2");
    public static readonly TestbedPath Vxlan = new("vxlan", "flannel-vxlan", TestbedNames.ServerPod, "cross-node VXLAN: pod on node1 to pod on node2 through flannel.1 (VNI 1, UDP 8472)");

    public static IReadOnlyList<TestbedPath> All { get; } = [Host, Bridge, HostGw, Vxlan];

    /// <summary>True when the path has pods on cni0 (everything but host networking).</summary>
    public bool HasPods => this != Host;

    public bool IsVxlan => this == Vxlan;

    public bool CrossesNodes => Server == TestbedNames.ServerPod;
}
