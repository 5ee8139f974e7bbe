using NetSim.Datapaths.Conntrack;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// ip_vs_sh (source hashing) and ip_vs_dh (destination hashing): a 256-bucket table filled with the destinations
/// in turn (a destination of weight w takes w consecutive buckets), indexed by hash_32 of the client's (sh) or the
/// destination's (dh) address. The same client always gets the same destination while the list is unchanged.
/// </summary>
internal sealed class IpvsHashing(bool source) : IpvsScheduler
{
    private const int TableBits = 8;
    private const uint GoldenRatio32 = 0x61C88647; // include/linux/hash.h
    private readonly IpvsRealServer?[] _buckets = new IpvsRealServer?[1 << TableBits];

    public override string Name => source ? "sh" : "dh";

    internal override IpvsRealServer? Schedule(IReadOnlyList<IpvsRealServer> destinations, in ConntrackTuple tuple, long now)
    {
        uint address = source ? tuple.Source.Value : tuple.Destination.Value;
        IpvsRealServer? d = _buckets[Hash32(address)];
        return d is { Weight: > 0 } ? d : null;
    }

    internal override void DestinationsChanged(IReadOnlyList<IpvsRealServer> destinations)
    {
        Array.Clear(_buckets);
        if (destinations.Count == 0) return;
        int di = 0, used = 0;
        for (int b = 0; b < _buckets.Length; b++)
        {
            IpvsRealServer d = destinations[di];
            _buckets[b] = d;
            if (++used < Math.Max(1, d.Weight)) continue;
            used = 0;
            di = (di + 1) % destinations.Count;
        }
    }

    /// <summary>hash_32(val, 8).</summary>
    private static int Hash32(uint value) => (int)((value * GoldenRatio32) >> (32 - TableBits));
}
