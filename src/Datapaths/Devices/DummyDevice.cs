using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// A dummy device (kube-ipvs0): it exists to hold addresses (Service VIPs become local addresses of the node),
/// and dummy_xmit discards whatever is routed out of it — counted here as a NoRoute drop, like a blackhole route.
/// </summary>
public sealed class DummyDevice : NetDevice
{
    public DummyDevice(NetworkNamespace ns, string name, int mtu = 1500, MacAddress? mac = null) : base(ns, name, mtu, mac) { }

    /// <summary>NOARP: nothing to resolve.</summary>
    public override bool HasL2 => false;

    protected override void Xmit(Packet p, long pendingPs) => ChargeAndDrop(p, pendingPs, DropReason.NoRoute);

    /// <summary>A dummy device answers no ARP (it has no link).</summary>
    public override bool AnswerArp(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        mac = default;
        return false;
    }
}
