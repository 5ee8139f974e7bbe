namespace NetSim.Topologies.Ipam;

/// <summary>
/// One Calico allocation block (a /26 by default) with its node affinity. Free ordinals are kept in Calico's
/// order: initially ascending, and a released ordinal goes to the back of the list (allocation_block.go keeps an
/// "unallocated" list), so addresses are not reused immediately.
/// </summary>
public sealed class CalicoBlock
{
    private readonly LinkedList<int> _free = new();
    private readonly string?[] _handles;

    public CalicoBlock(IpamSubnet cidr, string? affinity)
    {
        Cidr = cidr;
        Affinity = affinity;
        int size = 1 << (cidr.Bits - cidr.PrefixLength);
        _handles = new string?[size];
        for (int i = 0; i < size; i++) _free.AddLast(i);
    }

    public IpamSubnet Cidr { get; }
    /// <summary>The node this block is affine to (its routes are advertised by that node).</summary>
    public string? Affinity { get; }
    public int Size => _handles.Length;
    public int FreeCount => _free.Count;

    public IpamAddress? Assign(string handle)
    {
        if (_free.First is not { } first) return null;
        _free.RemoveFirst();
        _handles[first.Value] = handle;
        return Cidr.Network.Plus((UInt128)first.Value);
    }

    /// <summary>Releases every address held by <paramref name="handle"/>; returns how many.</summary>
    public int Release(string handle)
    {
        int n = 0;
        for (int i = 0; i < _handles.Length; i++)
        {
            if (_handles[i] != handle) continue;
            _handles[i] = null;
            _free.AddLast(i);
            n++;
        }
        return n;
    }
}
