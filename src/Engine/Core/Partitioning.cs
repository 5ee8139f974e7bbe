namespace NetSim.Engine.Core;

/// <summary>
/// How a run is split across threads: which partition runs each node's events, and the lookahead, the least time
/// between an event in one partition and any event it causes in another (on a cluster, the smallest propagation
/// plus minimum-frame serialization of a link whose ends are in different partitions).
/// </summary>
public sealed class Partitioning
{
    [ThreadStatic] private static int t_index;

    private readonly int[] _partitionOfNode;

    /// <param name="partitionOfNode">The partition of each node id (0 .. count-1).</param>
    public Partitioning(IReadOnlyList<int> partitionOfNode, int count, long lookaheadPs)
    {
        ArgumentNullException.ThrowIfNull(partitionOfNode);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookaheadPs, 1L);
        _partitionOfNode = new int[partitionOfNode.Count];
        for (int i = 0; i < _partitionOfNode.Length; i++)
        {
            int p = partitionOfNode[i];
            if ((uint)p >= (uint)count) throw new ArgumentException($"node {i} is put in partition {p}, there are {count}", nameof(partitionOfNode));
            _partitionOfNode[i] = p;
        }
        Count = count;
        LookaheadPs = lookaheadPs;
    }

    public int Count { get; }
    public long LookaheadPs { get; }

    /// <summary>The partition the calling thread is running (0 outside a split run), for per-partition state.</summary>
    public static int CurrentIndex
    {
        get => t_index;
        internal set => t_index = value;
    }

    public int PartitionOf(int node) =>
        (uint)node < (uint)_partitionOfNode.Length ? _partitionOfNode[node]
            : throw new InvalidOperationException($"parallel run: an event belongs to node {node}, which no partition owns");
}
