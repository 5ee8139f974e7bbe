using NetSim.Engine.Packets;

namespace NetSim.Engine.Links;

/// <summary>What is plugged into one end of a link (a NIC, a switch port): it receives the frames that arrive.</summary>
public interface ILinkEndpoint
{
    /// <summary>
    /// A frame arrived at <paramref name="at"/>. Normally the whole frame is in (<paramref name="completeAtPs"/> is
    /// now); an end set to cut-through gets it once its header is in, and <paramref name="completeAtPs"/> says when
    /// the last byte will be.
    /// </summary>
    void FrameArrived(Packet frame, LinkEnd at, long completeAtPs);
}
