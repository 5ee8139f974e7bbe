using NetSim.Engine.Addressing;

namespace NetSim.Traffic.Transport.Udp;

/// <summary>What recvfrom() returns: the payload size, its flow, the sender's address and port (msg_name) and the content tag.</summary>
public readonly record struct UdpDatagram(int Bytes, int FlowId, Ipv4Address Source, ushort SourcePort, long Tag);
