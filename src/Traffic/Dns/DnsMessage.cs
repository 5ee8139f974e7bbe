namespace NetSim.Traffic.Dns;

/// <summary>
/// A DNS message as the simulation carries it beside its packet (<see cref="Engine.Packets.Packet.AppTag"/>): the
/// 16-bit id, QR, the question (a name of the run's <see cref="DnsNameTable"/> and A or AAAA), RCODE and the answer
/// set (<see cref="DnsAnswerTable"/>), and TC (the answer did not fit: RFC 1035 §4.1.1). Sizes are RFC 1035's wire
/// sizes, so the datagrams are as long as real ones.
/// </summary>
public readonly record struct DnsMessage(ushort Id, bool Response, bool Aaaa, DnsRcode Rcode, int NameId, int AnswerId)
{
    /// <summary>TC: the server cut the answer to the client's limit; the client should ask again over TCP.</summary>
    public bool Truncated { get; init; }

    /// <summary>RFC 1035 §4.1.1: the fixed header.</summary>
    public const int HeaderBytes = 12;
    /// <summary>QTYPE and QCLASS after the name (§4.1.2).</summary>
    public const int QuestionTailBytes = 4;
    /// <summary>A compressed owner name (a 2-byte pointer), TYPE, CLASS, TTL, RDLENGTH (§4.1.3).</summary>
    public const int RecordHeaderBytes = 12;
    /// <summary>The largest UDP message without EDNS (RFC 1035 §2.3.4); a longer answer is truncated (TC).</summary>
    public const int MaxUdpBytes = 512;
    /// <summary>The largest message over TCP: its 2-byte length field's maximum (RFC 1035 §4.2.2; miekg/dns MaxMsgSize).</summary>
    public const int MaxTcpBytes = 65535;
    /// <summary>Over TCP each message is preceded by its length in two bytes (RFC 1035 §4.2.2).</summary>
    public const int TcpLengthBytes = 2;

    public long Encode() =>
        Id | (Response ? 1L << 16 : 0) | (Aaaa ? 1L << 17 : 0) | ((long)Rcode << 18) | ((long)NameId << 22) | ((long)AnswerId << 43) | (Truncated ? long.MinValue : 0);

    public static DnsMessage Decode(long tag) =>
        new((ushort)(tag & 0xFFFF), (tag & (1L << 16)) != 0, (tag & (1L << 17)) != 0, (DnsRcode)((tag >> 18) & 0xF),
            (int)((tag >> 22) & 0x1F_FFFF), (int)((tag >> 43) & 0xF_FFFF)) { Truncated = tag < 0 };

    /// <summary>A name's wire length: each label with its length byte, and the root's zero byte.</summary>
    public static int NameBytes(string name) => name.Length == 0 ? 1 : name.TrimEnd('.').Length + 2;

    /// <summary>A query for <paramref name="name"/>: header and question.</summary>
    public static int QueryBytes(string name) => HeaderBytes + NameBytes(name) + QuestionTailBytes;
}

/// <summary>RCODE values of RFC 1035 §4.1.1 used here.</summary>
public enum DnsRcode
{
    NoError = 0,
    ServFail = 2,
    NxDomain = 3,
}
