namespace NetSim.Traffic.Dns;

/// <summary>
/// How big a reply leaves CoreDNS for a client whose limit is <c>limit</c> bytes (512 over UDP without EDNS0, 65535
/// over TCP), as its request.Scrub does: written out without compression when that fits; else compressed when that
/// fits; else compressed with the answer section cut to the records that fit, and TC set.
/// </summary>
public static class DnsScrub
{
    /// <summary>The reply to a question for <paramref name="qname"/> with <paramref name="answer"/> (null: no records).</summary>
    public static (int Bytes, bool Truncated) Reply(string qname, DnsAnswer? answer, int limit)
    {
        int bare = DnsMessage.QueryBytes(qname);
        if (answer is null) return (bare, bare > limit);
        int plain = bare + answer.UncompressedBytes(qname);
        if (plain <= limit) return (plain, false);
        int compressed = bare + answer.Bytes;
        if (compressed <= limit) return (compressed, false);
        int bytes = bare;
        if (answer.CnameBytes > 0)
        {
            if (bytes + answer.CnameBytes > limit) return (bytes, true);
            bytes += answer.CnameBytes;
        }
        int fit = Math.Min(answer.Addresses.Count, Math.Max(0, (limit - bytes) / DnsAnswer.ABytes));
        return (bytes + fit * DnsAnswer.ABytes, true);
    }
}
