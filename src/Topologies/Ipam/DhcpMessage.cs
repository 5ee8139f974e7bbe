using NetSim.Engine.Addressing;
using NetSim.Engine.Core;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// One DHCP message (RFC 2131 §2): the BOOTP fields that matter here (xid, ciaddr, yiaddr, chaddr) and the options
/// the CNI dhcp daemon (through nclient4) and the server exchange. Its size on the wire is the BOOTP header (236 bytes)
/// and magic cookie (4) plus its options, at least the 300 bytes of a BOOTP message (RFC 1542 §2.1).
/// </summary>
public sealed record DhcpMessage(DhcpMessageType Type, uint Xid, MacAddress ClientMac, string ClientId)
{
    /// <summary>BOOTP op, htype .. file (236 bytes) and the magic cookie (4): RFC 2131 §2, figure 1.</summary>
    public const int FixedBytes = 240;
    /// <summary>The smallest BOOTP message a relay or server accepts (RFC 1542 §2.1).</summary>
    public const int MinimumBytes = 300;
    public const ushort ClientPort = 68;
    public const ushort ServerPort = 67;

    /// <summary>ciaddr: the client's address while it renews or rebinds, or in a RELEASE.</summary>
    public Ipv4Address ClientAddress { get; init; }
    /// <summary>yiaddr: the address offered or acknowledged.</summary>
    public Ipv4Address YourAddress { get; init; }
    /// <summary>Option 50 (requested IP address), in a REQUEST after an OFFER.</summary>
    public Ipv4Address? RequestedAddress { get; init; }
    /// <summary>Option 54 (server identifier).</summary>
    public Ipv4Address? ServerId { get; init; }
    /// <summary>Options 51, 58, 59: lease time, renewal (T1) and rebinding (T2) times, in a server's OFFER and ACK.</summary>
    public SimTime LeaseTime { get; init; }
    public SimTime RenewalTime { get; init; }
    public SimTime RebindingTime { get; init; }
    /// <summary>Option 1 as a prefix length (0: not sent).</summary>
    public int PrefixLength { get; init; }
    /// <summary>Option 3 (router).</summary>
    public Ipv4Address? Router { get; init; }

    /// <summary>The UDP payload's size: fixed part, options (code, length, value) and the end option, padded to 300.</summary>
    public int Bytes
    {
        get
        {
            int options = 3 + 2 + 1 + ClientId.Length + 1; // 53; 61 (type byte 0 and the id); end
            if (Type is DhcpMessageType.Discover or DhcpMessageType.Request) options += 4 + 2 + 2; // 57 max message size; 55 router, subnet mask
            if (RequestedAddress is not null) options += 6;
            if (ServerId is not null) options += 6;
            if (LeaseTime > SimTime.Zero) options += 3 * 6; // 51, 58, 59
            if (PrefixLength > 0) options += 6;
            if (Router is not null) options += 6;
            return Math.Max(MinimumBytes, FixedBytes + options);
        }
    }

    public override string ToString() => Type switch
    {
        DhcpMessageType.Offer or DhcpMessageType.Ack => $"DHCP{Type.ToString().ToUpperInvariant()} {YourAddress} xid 0x{Xid:x8}",
        _ => $"DHCP{Type.ToString().ToUpperInvariant()} xid 0x{Xid:x8}" + (ClientAddress != Ipv4Address.Any ? $" ciaddr {ClientAddress}" : ""),
    };
}
