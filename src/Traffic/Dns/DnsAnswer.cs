using NetSim.Engine.Addressing;

namespace NetSim.Traffic.Dns;

/// <summary>
/// One answer section: an optional CNAME (ExternalName) and the A records, with the TTL the server gives them.
/// <see cref="Bytes"/> is the section's wire size after the question (owner names compressed to pointers).
/// </summary>
public sealed record DnsAnswer(string? Cname, IReadOnlyList<Ipv4Address> Addresses, int TtlSeconds)
{
    /// <summary>A record's RDATA: 4 bytes (RFC 1035 §3.4.1).</summary>
    public const int ARdataBytes = 4;

    /// <summary>A record's fixed part after its owner name: TYPE, CLASS, TTL, RDLENGTH (RFC 1035 §4.1.3).</summary>
    public const int RecordFixedBytes = 10;

    public int Bytes => CnameBytes + Addresses.Count * ABytes;

    /// <summary>The CNAME record compressed (owner a pointer, the target written out), or 0 without one.</summary>
    public int CnameBytes => Cname is null ? 0 : DnsMessage.RecordHeaderBytes + DnsMessage.NameBytes(Cname);

    /// <summary>An A record compressed: its owner a 2-byte pointer, 10 fixed bytes, 4 of address (16).</summary>
    public const int ABytes = DnsMessage.RecordHeaderBytes + ARdataBytes;

    /// <summary>The section without name compression for question <paramref name="qname"/>: every owner name written out
    /// (the A records' owner is the CNAME's target when there is one).</summary>
    public int UncompressedBytes(string qname)
    {
        int owner = DnsMessage.NameBytes(Cname ?? qname);
        int cname = Cname is null ? 0 : DnsMessage.NameBytes(qname) + RecordFixedBytes + DnsMessage.NameBytes(Cname);
        return cname + Addresses.Count * (owner + RecordFixedBytes + ARdataBytes);
    }
}

/// <summary>The answer sets of a run, numbered when the run is built (0 = no answer), so an answer travels as a number.</summary>
public sealed class DnsAnswerTable
{
    private readonly List<DnsAnswer?> _answers = [null];

    public int Add(DnsAnswer answer)
    {
        _answers.Add(answer);
        if (_answers.Count > 0xF_FFFF) throw new InvalidOperationException("more DNS answers than a message tag can number");
        return _answers.Count - 1;
    }

    public DnsAnswer? Get(int id) => _answers[id];
}
