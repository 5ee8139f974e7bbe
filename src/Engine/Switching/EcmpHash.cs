using NetSim.Engine.Packets;

namespace NetSim.Engine.Switching;

/// <summary>
/// The flow hash a fabric switch uses to pick one of several equal-cost next hops: a 64-bit mix (the MurmurHash3
/// finaliser) of the outer 5-tuple and a per-switch seed, so every packet of a flow takes the same path, flows
/// spread evenly, and switches with different seeds make independent choices (no hash polarisation).
/// </summary>
public static class EcmpHash
{
    public static uint Compute(in FlowTuple flow, uint seed)
    {
        ulong h = Mix(0x9E3779B97F4A7C15UL ^ seed);
        h = Mix(h ^ (((ulong)flow.Source.Value << 32) | flow.Destination.Value));
        h = Mix(h ^ (((ulong)flow.SourcePort << 32) | ((ulong)flow.DestinationPort << 16) | flow.Protocol));
        return (uint)(h >> 32);
    }

    private static ulong Mix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xFF51AFD7ED558CCDUL;
        k ^= k >> 33;
        k *= 0xC4CEB9FE1A85EC53UL;
        k ^= k >> 33;
        return k;
    }
}
