using NetSim.Datapaths.Common;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// icmp_send / nf_send_reset / icmp_reply: builds the packets the kernel answers with — ICMP errors carrying the
/// offending datagram's headers (truncated so the error is at most 576 bytes), TCP resets for REJECT, echo
/// replies — and sends them through ip_local_out after charging <c>icmp.send</c>. Errors are never sent about
/// ICMP errors, non-first fragments, or packets from 0.0.0.0, broadcast or multicast sources.
/// </summary>
public sealed class IcmpSender : NamespaceElement
{
    private const int MaxErrorEmbedded = 576 - Ipv4Header.Size - IcmpHeader.Size;

    internal IcmpSender(NetworkNamespace ns) : base(ns, "icmp_send") { }

    public long ErrorsSent { get; private set; }
    public long ResetsSent { get; private set; }
    public long EchoRepliesSent { get; private set; }

    /// <summary>The kernel sends nothing to this element; it only originates packets.</summary>
    public override void Receive(Packet packet) => Drop(packet, DropReason.NotForThisHost);

    /// <summary>icmp_send(original, type, code, info): an ICMP error back to the original's source.</summary>
    public void SendError(Packet original, byte type, byte code, int nextHopMtu = 0)
    {
        NetworkNamespace ns = Namespace;
        if (!ns.SendIcmpErrors) return;
        int ip = original.IndexOfOuter(HeaderKind.Ipv4);
        if (ip < 0) return;
        ref Ipv4Header oip = ref original.Layer(ip).Ipv4;
        if (oip.FragmentOffset != 0 || PacketFields.CarriesIcmpError(original, ip)) return;
        Ipv4Address to = oip.Source;
        if (to == Ipv4Address.Any || to == Ipv4Address.Broadcast || (to.Value >> 28) == 0xE) return;
        if (oip.Destination == Ipv4Address.Broadcast || (oip.Destination.Value >> 28) == 0xE) return;

        Packet e = original.Pool.Rent();
        e.CopyFrom(original);
        while (e.LayerCount > ip + 1) e.Pop(e.TopKind); // the error embeds the datagram, not the L2 around it
        int embedded = e.Length;
        if (embedded > MaxErrorEmbedded) e.PayloadLength = Math.Max(0, e.PayloadLength - (embedded - MaxErrorEmbedded));
        ResetTags(e, original);
        ref IcmpHeader icmp = ref e.PushIcmp();
        icmp.Type = type;
        icmp.Code = code;
        icmp.NextHopMtu = (ushort)nextHopMtu;
        ref Ipv4Header eip = ref e.PushIpv4();
        eip.Source = ns.IsLocalAddress(oip.Destination) ? oip.Destination : Ipv4Address.Any;
        eip.Destination = to;
        eip.Protocol = Ipv4Header.ProtocolIcmp;
        eip.Ttl = Ipv4Header.DefaultTtl;
        ErrorsSent++;
        WorkPs(e, Costs.IcmpSend.For(e.Length), ns.LocalOut, e.Trace is null ? null : $"icmp type {type} code {code}");
    }

    /// <summary>The answer REJECT sends for <paramref name="with"/>.</summary>
    public void SendReject(Packet original, RejectWith with)
    {
        switch (with)
        {
            case RejectWith.TcpReset: SendReset(original); break;
            case RejectWith.IcmpNetUnreachable: SendError(original, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeNetUnreachable); break;
            case RejectWith.IcmpHostUnreachable: SendError(original, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeHostUnreachable); break;
            case RejectWith.IcmpProtocolUnreachable: SendError(original, IcmpHeader.DestinationUnreachable, 2); break;
            case RejectWith.IcmpAdminProhibited: SendError(original, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeAdminProhibited); break;
            default: SendError(original, IcmpHeader.DestinationUnreachable, IcmpHeader.CodePortUnreachable); break;
        }
    }

    /// <summary>
    /// nf_send_reset: a RST from the original destination; it acknowledges the segment when that had no ACK,
    /// else takes its sequence number from the segment's ACK.
    /// </summary>
    public void SendReset(Packet original)
    {
        int ip = original.IndexOfOuter(HeaderKind.Ipv4);
        int l4 = ip < 0 ? -1 : PacketFields.TransportIndex(original, ip);
        if (l4 < 0 || original.Layer(l4).Kind != HeaderKind.Tcp) return;
        ref TcpHeader ot = ref original.Layer(l4).Tcp;
        if (ot.Has(TcpFlags.Rst)) return;
        ref Ipv4Header oip = ref original.Layer(ip).Ipv4;

        Packet r = original.Pool.Rent();
        ResetTags(r, original);
        ref TcpHeader t = ref r.PushTcp();
        t.SourcePort = ot.DestinationPort;
        t.DestinationPort = ot.SourcePort;
        if (ot.Has(TcpFlags.Ack))
        {
            t.SequenceNumber = ot.AcknowledgmentNumber;
            t.Flags = TcpFlags.Rst;
        }
        else
        {
            int segmentLength = (l4 == 0 ? original.PayloadLength : 0) + (ot.Has(TcpFlags.Syn) ? 1 : 0) + (ot.Has(TcpFlags.Fin) ? 1 : 0);
            t.AcknowledgmentNumber = unchecked(ot.SequenceNumber + (uint)segmentLength);
            t.Flags = TcpFlags.Rst | TcpFlags.Ack;
        }
        ref Ipv4Header rip = ref r.PushIpv4();
        rip.Source = oip.Destination;
        rip.Destination = oip.Source;
        rip.Protocol = Ipv4Header.ProtocolTcp;
        rip.Ttl = Ipv4Header.DefaultTtl;
        ResetsSent++;
        WorkPs(r, Costs.IcmpSend.For(r.Length), Namespace.LocalOut, r.Trace is null ? null : "tcp reset");
    }

    /// <summary>icmp_echo: answers an echo request with the same identifier, sequence and payload.</summary>
    public void SendEchoReply(Packet request)
    {
        int ip = request.IndexOfOuter(HeaderKind.Ipv4);
        ref Ipv4Header rip = ref request.Layer(ip).Ipv4;
        ref IcmpHeader ricmp = ref request.Layer(ip - 1).Icmp;
        Packet r = request.Pool.Rent();
        ResetTags(r, request);
        r.PayloadLength = request.PayloadLength;
        ref IcmpHeader icmp = ref r.PushIcmp();
        icmp.Type = IcmpHeader.EchoReply;
        icmp.Identifier = ricmp.Identifier;
        icmp.SequenceNumber = ricmp.SequenceNumber;
        ref Ipv4Header ipr = ref r.PushIpv4();
        ipr.Source = rip.Destination;
        ipr.Destination = rip.Source;
        ipr.Protocol = Ipv4Header.ProtocolIcmp;
        ipr.Ttl = Ipv4Header.DefaultTtl;
        EchoRepliesSent++;
        WorkPs(r, Costs.IcmpSend.For(r.Length), Namespace.LocalOut, r.Trace is null ? null : "icmp echo reply");
    }

    private void ResetTags(Packet p, Packet cause)
    {
        p.FlowId = cause.FlowId;
        p.CreatedAt = Node.Sim.NowPicoseconds;
        p.Core = cause.Core;
        p.GsoSize = 0;
        p.Conntrack = null;
        p.Mark = 0;
        p.Hash = 0;
        p.IngressInterface = 0;
        p.ChecksumOffloaded = false;
    }
}
