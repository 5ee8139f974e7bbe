using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// The weaver's pcap handle on vethwe-pcap (router/pcap.go: promiscuous, immediate mode, inbound only), as the
/// device's receive hook: every frame the weave bridge sends to vethwe-bridge arrives on vethwe-pcap and goes to the
/// router's capture (<see cref="WeaveSleeveRouter"/>); the device has no stack of its own, so the frame is consumed
/// there. ARP for overlay addresses is answered from the router's view of the peers.
/// </summary>
public sealed class WeavePcapCapture : IRxHandler
{
    private readonly WeaveSleeveRouter _router;

    public WeavePcapCapture(NetDevice device, WeaveSleeveRouter router)
    {
        _router = router;
        if (device.RxHandler is not null || device.BridgePort is not null) throw new InvalidOperationException($"{device.Name}: device or resource busy");
        device.RxHandler = this;
    }

    bool IRxHandler.HandleFrame(Packet p, long ps)
    {
        if (p.TopKind != HeaderKind.Ethernet) return false;
        _router.Capture.Enter(p, ps);
        return true;
    }

    bool IRxHandler.AnswerExternal(Ipv4Address target, MacAddress requester, out MacAddress mac) => _router.Resolve(target, out mac);

    bool IRxHandler.ResolveFromLower(Ipv4Address target, MacAddress requester, out MacAddress mac) => _router.Resolve(target, out mac);
}
