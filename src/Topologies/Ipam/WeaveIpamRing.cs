using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// Weave Net's IPAM: one address range for the cluster (--ipalloc-range, default 10.32.0.0/12) held as a ring that the
/// peers divide among themselves; each peer allocates only from the parts it owns, so allocation needs no
/// cluster-wide lock. Modelled as the ring after the peers agreed (--ipalloc-init consensus=N, or seed): the range
/// split into N contiguous, equal shares in peer order, the range's first (network) and last (broadcast) addresses
/// never handed out. Space donation between peers (a peer that runs out asks another for part of its share) is not
/// modelled: a node whose share is full refuses the pod.
/// </summary>
public sealed class WeaveIpamRing
{
    public const string DefaultRange = "10.32.0.0/12";

    public WeaveIpamRing(Ipv4Prefix range, int peers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(peers, 1);
        Range = range;
        Peers = peers;
    }

    public Ipv4Prefix Range { get; }
    public int Peers { get; }

    /// <summary>The addresses peer <paramref name="index"/> owns, first and last inclusive (the range's network and broadcast left out).</summary>
    public (Ipv4Address First, Ipv4Address Last) ShareOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Peers);
        ulong size = Range.Size;
        ulong start = (ulong)Range.Network.Value + size * (ulong)index / (ulong)Peers;
        ulong end = (ulong)Range.Network.Value + size * (ulong)(index + 1) / (ulong)Peers - 1;
        if (index == 0) start++;
        if (index == Peers - 1) end--;
        return (new Ipv4Address((uint)start), new Ipv4Address((uint)end));
    }
}
