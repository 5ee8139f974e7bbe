using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// lo: created with every namespace (ifindex 1, 127.0.0.1/8, MTU 65536). loopback_xmit hands the packet straight
/// back to its own receive path, conntrack reference intact, so traffic to any local address loops through it.
/// Modelled without an L2 header.
/// </summary>
public sealed class LoopbackDevice : NetDevice
{
    public const int DefaultMtu = 65536;

    internal LoopbackDevice(NetworkNamespace ns) : base(ns, "lo", DefaultMtu, MacAddress.Zero) { }

    public override bool HasL2 => false;

    protected override void Xmit(Packet p, long pendingPs) =>
        WorkPs(p, pendingPs, RxEntry, p.Trace is null ? null : "loopback_xmit");
}
