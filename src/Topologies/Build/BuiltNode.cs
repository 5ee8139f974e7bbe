using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Nics;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// A node as built: its CPU and elements (context), the host network namespace with eth0 on the NIC, its address
/// on the node network, the pod subnet it hands out (host-local datapaths), and what the CNI added to it.
/// </summary>
public sealed class BuiltNode
{
    public BuiltNode(NodeSpec spec, NodeContext context, NetworkNamespace host, Nic? nic, NetDevice eth0, Ipv4Address address, Ipv4Prefix nodeSubnet)
    {
        Spec = spec;
        Context = context;
        Host = host;
        Nic = nic;
        Eth0 = eth0;
        Address = address;
        NodeSubnet = nodeSubnet;
    }

    public NodeSpec Spec { get; }
    public string Name => Spec.Name;
    public NodeContext Context { get; }
    public NetworkNamespace Host { get; }
    /// <summary>The NIC under eth0; null when eth0 is one end of a veth pair (nodes that are namespaces of one machine).</summary>
    public Nic? Nic { get; }
    /// <summary>The node's uplink: a NIC's netdev, or one end of the veth-pair fabric.</summary>
    public NetDevice Eth0 { get; }
    public Ipv4Address Address { get; }
    /// <summary>The node network this node's eth0 is on (the whole node CIDR, or its rack's subnet).</summary>
    public Ipv4Prefix NodeSubnet { get; }
    /// <summary>The pod subnet handed to this node (host-local IPAM), if the datapath uses one.</summary>
    public Ipv4Prefix? PodSubnet { get; set; }
    /// <summary>The gateway pods use (cni0's address, cilium_host's, or Calico's 169.254.1.1).</summary>
    public Ipv4Address PodGateway { get; set; }
    /// <summary>The node's container runtime with its CNI configuration (null for external clients).</summary>
    public NodeContainerRuntime? Runtime { get; set; }
    /// <summary>The CNI's tunnel device (flannel.1, tunl0, vxlan.calico, cilium_vxlan) when it has one.</summary>
    public NetDevice? Tunnel { get; set; }
    /// <summary>The address the tunnel device holds (flannel's 10.244.N.0, Calico's tunnel address).</summary>
    public Ipv4Address TunnelAddress { get; set; }
    public List<BuiltPod> Pods { get; } = new();
    /// <summary>eth0's embedded switch when eth0 is an SR-IOV NIC (the sriov datapath): the wire ends there, the PF and VFs sit behind it.</summary>
    public EmbeddedSwitch? Eswitch { get; set; }
    /// <summary>The PCI functions the datapath hands to pods (eth0's VFs on sriov, whole NICs on host-device), as sysfs lists them.</summary>
    public List<NetSim.Topologies.Cni.Plugins.PciNetFunction> PodFunctions { get; } = new();
    /// <summary>The node's NICs besides eth0 (cluster.nics), in scenario order.</summary>
    public List<NodeNic> SecondaryNics { get; } = new();
    /// <summary>The CNI's own program from a pod's veth (eBPF datapaths), so a Service proxy can run before it.</summary>
    public Func<Engine.Packets.Packet, Datapaths.Ebpf.BpfHookPoint, Datapaths.Devices.NetDevice, Datapaths.Ebpf.BpfResult>? PodProgram { get; set; }
    /// <summary>The CNI's own step at a pod veth's tc egress (into the pod: its ingress policy), when it has one.</summary>
    public Func<Engine.Packets.Packet, Datapaths.Ebpf.BpfHookPoint, Datapaths.Devices.NetDevice, Datapaths.Ebpf.BpfResult>? ToPodProgram { get; set; }
    /// <summary>The CNI's own program on eth0's tc ingress (eBPF datapaths).</summary>
    public Func<Engine.Packets.Packet, Datapaths.Ebpf.BpfHookPoint, Datapaths.Devices.NetDevice, Datapaths.Ebpf.BpfResult>? NodeProgram { get; set; }
    public int Index { get; init; }
    /// <summary>The eBPF dataplane's NetworkPolicy step on this node (Calico eBPF, Cilium), when the scenario has policies.</summary>
    public Policy.BpfPolicyEnforcer? PolicyEnforcer { get; set; }
}
