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

    public int Bytes =>
        (Cname is null ? 0 : DnsMessage.RecordHeaderBytes + DnsMessage.NameBytes(Cname)) + Addresses.Count * (DnsMessage.RecordHeaderBytes + ARdataBytes);
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
