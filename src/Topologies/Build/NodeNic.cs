using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// A node's NIC besides eth0, as built: its PF netdev in the host (eth1) with the node's address on its network, and
/// for an SR-IOV NIC its embedded switch and virtual functions (each a NIC function with a netdev in the host until a
/// pod takes it).
/// </summary>
public sealed record NodeNic(SecondaryNicSpec Spec, SecondaryNetwork Network, Nic Nic, PciNetFunction Pf, Ipv4Address Address)
{
    public PhysicalDevice Device => Pf.Device;
    /// <summary>The network switch's port this NIC is cabled to.</summary>
    public required Engine.Switching.SwitchPort Port { get; init; }
    public EmbeddedSwitch? Eswitch { get; init; }
    public IReadOnlyList<PciNetFunction> Vfs { get; init; } = [];
    /// <summary>The NIC of each VF, by VF number.</summary>
    public IReadOnlyList<Nic> VfNics { get; init; } = [];
}
