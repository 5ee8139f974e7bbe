namespace NetSim.Engine.Packets;

/// <summary>The protocol headers a packet can carry, each with its real on-the-wire size.</summary>
public enum HeaderKind : byte
{
    None = 0,
    /// <summary>Ethernet II, 14 bytes (18 with an 802.1Q tag).</summary>
    Ethernet,
    /// <summary>IPv4 without options, 20 bytes. IP-in-IP is simply an outer IPv4 header with protocol 4.</summary>
    Ipv4,
    /// <summary>TCP, 20 bytes plus options (MSS, SACK, timestamps, window scale), padded to 4 bytes.</summary>
    Tcp,
    /// <summary>UDP, 8 bytes.</summary>
    Udp,
    /// <summary>ICMP echo/unreachable, 8 bytes.</summary>
    Icmp,
    /// <summary>VXLAN, 8 bytes (RFC 7348); carried in UDP.</summary>
    Vxlan,
    /// <summary>Geneve, 8 bytes plus options (RFC 8926); carried in UDP.</summary>
    Geneve,
    /// <summary>GRE, 4 bytes (no key/sequence).</summary>
    Gre,
    /// <summary>WireGuard transport data: 16-byte header plus a 16-byte Poly1305 tag, carried in UDP.</summary>
    WireGuard,
    /// <summary>IPsec ESP (tunnel mode, AES-GCM): 8-byte header, 8-byte IV, and a trailer (pad, pad length, next header, 16-byte ICV).</summary>
    Esp,
    /// <summary>SCTP common header and one INIT/INIT ACK chunk, 32 bytes (RFC 9260 §3).</summary>
    Sctp,
    /// <summary>Weave Net's sleeve framing in UDP: the sender's peer name, then per frame two peer names and a length (with NaCl, a sequence number and a 16-byte tag); variable size, as one datagram batches frames.</summary>
    WeaveSleeve,
}
