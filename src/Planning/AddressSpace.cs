using NetSim.Engine.Addressing;

namespace NetSim.Planning;

/// <summary>
/// The address space a plan takes prefixes from: blocks of private space minus the networks to avoid and the
/// prefixes already taken. <see cref="Take"/> is first fit at the block's own alignment, lowest address first.
/// </summary>
internal sealed class AddressSpace
{
    private readonly IReadOnlyList<Ipv4Prefix> _space;
    private readonly List<Ipv4Prefix> _taken;

    public AddressSpace(IReadOnlyList<Ipv4Prefix> space, IEnumerable<Ipv4Prefix> avoid)
    {
        _space = space;
        _taken = [.. avoid];
    }

    /// <summary>The lowest free, aligned /<paramref name="length"/> in the space, now taken; null when none is free.</summary>
    public Ipv4Prefix? Take(int length)
    {
        ulong size = PrefixMath.Size(length);
        foreach (var block in _space)
        {
            if (block.Length > length) continue;
            ulong candidate = block.Network.Value, end = (ulong)block.Last.Value;
            while (candidate + size - 1 <= end)
            {
                var prefix = new Ipv4Prefix(new Ipv4Address((uint)candidate), length);
                int conflict = _taken.FindIndex(t => t.Overlaps(prefix));
                if (conflict < 0)
                {
                    _taken.Add(prefix);
                    return prefix;
                }
                // Skip past what is in the way, to the next aligned block.
                ulong next = Math.Max(candidate + size, (ulong)_taken[conflict].Last.Value + 1);
                candidate = (next + size - 1) & ~(size - 1);
            }
        }
        return null;
    }
}
