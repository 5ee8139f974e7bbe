using NetSim.Engine.Addressing;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Switching;

/// <summary>
/// A port of a hardware switch, plugged into a link end. Its egress buffer is the transmit queue of that link
/// end (<see cref="LinkEnd.Outbound"/>), so per-port output queueing and drop-tail happen there.
/// </summary>
public sealed class SwitchPort : ILinkEndpoint
{
    internal SwitchPort(FrameSwitch owner, int index, LinkEnd end, MacAddress mac)
    {
        Owner = owner;
        Index = index;
        End = end;
        Mac = mac;
    }

    public FrameSwitch Owner { get; }
    public int Index { get; }
    public LinkEnd End { get; }
    /// <summary>The port's own MAC (a router port's source address when it rewrites frames).</summary>
    public MacAddress Mac { get; }
    /// <summary>The MAC of the device at the other end (a router's next hop through this port).</summary>
    public MacAddress PeerMac { get; set; } = MacAddress.Broadcast;
    public long RateBitsPerSecond => End.Link.Spec.RateBitsPerSecond;
    /// <summary>Reflective relay (802.1Qbg "hairpin"): a frame whose destination sits behind this port is sent back out of it, as VEPA needs.</summary>
    public bool ReflectiveRelay { get; set; }
    public long RxFrames { get; private set; }
    public long RxBytes { get; private set; }

    void ILinkEndpoint.FrameArrived(Packet frame, LinkEnd at, long completeAtPs)
    {
        RxFrames++;
        RxBytes += frame.Length;
        Owner.OnFrame(frame, this, completeAtPs);
    }

    public override string ToString() => $"{Owner.Name}/port{Index}";
}
