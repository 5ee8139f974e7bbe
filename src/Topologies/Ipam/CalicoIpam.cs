using System.Text;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// Calico's block IPAM (reference kubernetes-networking.md §6): an IP pool (default 192.168.0.0/16) cut into
/// blocks (default /26, allowed /20-/32); a node claims a block when it needs an address and its own blocks are
/// full, so routes aggregate per block; with strictAffinity off (Calico's default) a node may borrow a free address
/// from another node's block once the pool has no unclaimed block left.
/// </summary>
public sealed class CalicoIpam
{
    public const int DefaultBlockSize = 26;
    public const string DefaultPool = "192.168.0.0/16";

    private readonly List<CalicoBlock> _blocks = new();
    private readonly HashSet<UInt128> _claimed = new();
    private readonly ulong _blockCount;

    public CalicoIpam(string poolCidr = DefaultPool, int blockSize = DefaultBlockSize, bool strictAffinity = false)
    {
        Pool = IpamSubnet.Parse(poolCidr);
        int min = Pool.Network.IsV6 ? 116 : 20, max = Pool.Network.IsV6 ? 128 : 32;
        if (blockSize < min || blockSize > max)
            throw new IpamException($"blockSize {blockSize} is out of range: must be {min} to {max}");
        if (blockSize < Pool.PrefixLength)
            throw new IpamException($"blockSize /{blockSize} is larger than the pool {Pool}");
        BlockSize = blockSize;
        StrictAffinity = strictAffinity;
        _blockCount = 1UL << Math.Min(63, blockSize - Pool.PrefixLength);
    }

    public IpamSubnet Pool { get; }
    public int BlockSize { get; }
    public bool StrictAffinity { get; }
    public IReadOnlyList<CalicoBlock> Blocks => _blocks;

    /// <summary>The blocks affine to a node, in claim order (the routes that node advertises).</summary>
    public IEnumerable<CalicoBlock> BlocksOf(string node) => _blocks.Where(b => b.Affinity == node);

    /// <summary>Assigns an address to <paramref name="handle"/> (a pod) on <paramref name="node"/>.</summary>
    public IpamAddress AutoAssign(string node, string handle)
    {
        foreach (var b in _blocks)
            if (b.Affinity == node && b.Assign(handle) is { } ip) return ip;
        if (ClaimBlock(node) is { } fresh) return fresh.Assign(handle)!.Value;
        if (!StrictAffinity)
            foreach (var b in _blocks)
                if (b.Assign(handle) is { } borrowed) return borrowed;
        throw new IpamException($"no IPs available in pool {Pool}: all {_blockCount} /{BlockSize} blocks are claimed and full");
    }

    public int Release(string handle)
    {
        int n = 0;
        foreach (var b in _blocks) n += b.Release(handle);
        return n;
    }

    /// <summary>
    /// Claims the first unclaimed block, walking the pool from a start derived from the node name — as Calico's
    /// randomBlockGenerator spreads nodes over the pool — but deterministically.
    /// </summary>
    private CalicoBlock? ClaimBlock(string node)
    {
        ulong start = StableHash(node) % _blockCount;
        for (ulong i = 0; i < _blockCount; i++)
        {
            ulong index = (start + i) % _blockCount;
            UInt128 network = Pool.Network.Value + ((UInt128)index << (Pool.Bits - BlockSize));
            if (_claimed.Contains(network)) continue;
            _claimed.Add(network);
            var block = new CalicoBlock(new IpamSubnet(Pool.Network with { Value = network }, BlockSize), node);
            _blocks.Add(block);
            return block;
        }
        return null;
    }

    /// <summary>FNV-1a over the UTF-8 name: stable across processes (string.GetHashCode is not).</summary>
    private static ulong StableHash(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(s)) h = (h ^ b) * 0x100000001B3UL;
        return h;
    }
}
