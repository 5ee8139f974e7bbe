using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Sctp;

/// <summary>
/// A network namespace's SCTP (net/sctp, sctp_v4_rcv), registered for IP protocol 132 on first use: association
/// setup only (RFC 9260 §5.1). A listening endpoint answers an INIT with an INIT ACK and keeps no state (the state
/// lives in the cookie, sctp_sf_do_5_1B_init); an INIT ACK goes to the association in COOKIE-WAIT on its local port
/// whose initiate tag it carries as verification tag (sctp_sf_do_5_1C_ack). A packet for no endpoint or association
/// is dropped as DropReason.NoListener (the ABORT Linux would send, §8.4, is not modelled). The CRC32c is left to
/// the NIC (NETIF_F_SCTP_CRC offload) and computed only when a packet is written out (pcap). The profile has no SCTP
/// costs: a control chunk is charged as a datagram is (udp.transmit, udp.receive), an assumption.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named like TcpStack and UdpStack: the protocol implementation's own name.")]
public sealed class SctpStack : TransportStack
{
    private readonly HashSet<ushort> _listening = new();
    private readonly Dictionary<ushort, SctpAssociation> _associations = new();
    private readonly EphemeralPortAllocator _ports = new();
    private uint _tags;

    public SctpStack(INetworkNamespace ns, FlowTable flows) : base(ns, flows, "sctp", Ipv4Header.ProtocolSctp)
    {
    }

    public long InitsAnswered { get; private set; }
    /// <summary>Packets for no endpoint or association (out of the blue, RFC 9260 §8.4).</summary>
    public long OutOfTheBlue { get; private set; }

    /// <summary>bind() + listen(): an endpoint on <paramref name="port"/> that answers INITs.</summary>
    public void Listen(ushort port)
    {
        if (port == 0 || _associations.ContainsKey(port) || !_listening.Add(port))
            throw new InvalidOperationException($"{Namespace.Name}: SCTP port {port} is in use (EADDRINUSE)");
    }

    /// <summary>connect(): a new association from an ephemeral port to <paramref name="destination"/>:<paramref name="port"/>; null when there is no route.</summary>
    public SctpAssociation? Connect(Ipv4Address destination, ushort port, int core = 0)
    {
        if (!Namespace.TryResolveRoute(destination, out Ipv4Address source, out _)) return null;
        if (!_ports.TryAllocate(this, static (s, p) => s._associations.ContainsKey(p) || s._listening.Contains(p), out ushort local))
            throw new InvalidOperationException($"{Namespace.Name}: no free SCTP port (EADDRNOTAVAIL)");
        // Linux draws the initiate tag at random (get_random_u32); a unique nonzero value keeps runs reproducible.
        uint tag = ((uint)local << 16) | ++_tags;
        var flow = Flows.Register("sctp", Namespace.Name, destination.ToString(), source, local, destination, port, Node.Sim.NowPicoseconds);
        var association = new SctpAssociation(this, local, destination, port, tag, flow, core);
        _associations.Add(local, association);
        ChargeCpu(core, Costs.Syscall.For(0));
        Send(source, destination, local, port, 0, SctpHeader.ChunkInit, tag, flow.Id, core, Node.Sim.NowPicoseconds);
        flow.PacketsSent++;
        return association;
    }

    /// <summary>sctp_v4_rcv: charge, then hand the chunk to the endpoint or association on the destination port.</summary>
    public override void Receive(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        long finish = Charge(packet, Costs.UdpReceive.For(packet.Length), packet.Trace is null ? null : "sctp_v4_rcv");
        ref SctpHeader h = ref packet.Layer(packet.IndexOfInner(HeaderKind.Sctp)).Sctp;
        ref Ipv4Header ip = ref packet.Layer(packet.IndexOfInner(HeaderKind.Ipv4)).Ipv4;
        if (h.ChunkType == SctpHeader.ChunkInit && h.VerificationTag == 0 && _listening.Contains(h.DestinationPort))
        {
            InitsAnswered++;
            // The INIT ACK is addressed back to the INIT's source and carries its initiate tag as verification tag.
            Send(ip.Destination, ip.Source, h.DestinationPort, h.SourcePort, h.InitiateTag, SctpHeader.ChunkInitAck,
                ~h.InitiateTag | 1, packet.FlowId, packet.Core, packet.CreatedAt);
            Node.Pool.Deliver(packet);
            return;
        }
        if (h.ChunkType == SctpHeader.ChunkInitAck && _associations.TryGetValue(h.DestinationPort, out SctpAssociation? a)
            && a.Matches(ip.Source, h.SourcePort, h.VerificationTag))
        {
            a.InitAckArrived(finish, packet.CreatedAt);
            Node.Pool.Deliver(packet);
            return;
        }
        OutOfTheBlue++;
        Drop(packet, DropReason.NoListener);
    }

    /// <summary>Builds and sends one packet with an INIT or INIT ACK chunk (fixed part only: no parameters).</summary>
    private void Send(Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort, uint verificationTag,
        byte chunk, uint initiateTag, int flowId, int core, long createdAt)
    {
        Packet p = Node.Pool.Rent();
        ref SctpHeader h = ref p.PushSctp();
        h.SourcePort = sourcePort;
        h.DestinationPort = destinationPort;
        h.VerificationTag = verificationTag;
        h.ChunkType = chunk;
        h.InitiateTag = initiateTag;
        h.ReceiverWindow = (uint)LinuxDefaults.CoreRmemDefault;
        h.OutboundStreams = h.InboundStreams = SctpAssociation.Streams;
        h.InitialTsn = initiateTag;
        p.FlowId = flowId;
        p.CreatedAt = createdAt;
        p.Core = core;
        p.ChecksumOffloaded = true;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = source;
        ip.Destination = destination;
        ip.Protocol = Ipv4Header.ProtocolSctp;
        ip.Ttl = LinuxDefaults.DefaultTtl;
        ip.DontFragment = true;
        Work(p, Costs.UdpTransmit, Namespace.LocalOut, p.Trace is null ? null : "sctp_packet_transmit");
    }
}
