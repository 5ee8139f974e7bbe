namespace NetSim.Topologies.Ipam;

/// <summary>
/// whereabouts' Kubernetes datastore as one cluster-wide table: an IPPool per range (the IPPool custom resource,
/// named for its range), each a list of reservations every node reads and writes (whereabouts updates the CR with
/// optimistic concurrency; a simulation's ADDs run one at a time, so the table needs no retry loop).
/// </summary>
public sealed class WhereaboutsStore
{
    /// <summary>The reconciler CronJob's default schedule (the chart's and daemonset-install.yaml's "cron-expression": daily at 04:30).</summary>
    public const string DefaultReconcilerSchedule = "30 4 * * *";

    private readonly SortedDictionary<string, List<WhereaboutsReservation>> _pools = new(StringComparer.Ordinal);

    /// <summary>The reservations of the pool for <paramref name="range"/> (empty when the pool does not exist yet).</summary>
    public IReadOnlyList<WhereaboutsReservation> Pool(IpamSubnet range) =>
        _pools.TryGetValue(range.ToString(), out var list) ? list : [];

    public List<WhereaboutsReservation> PoolFor(IpamSubnet range)
    {
        if (!_pools.TryGetValue(range.ToString(), out var list)) _pools[range.ToString()] = list = new List<WhereaboutsReservation>();
        return list;
    }

    public IEnumerable<WhereaboutsReservation> All => _pools.Values.SelectMany(p => p);

    /// <summary>
    /// The ip-reconciler's pass (pkg/reconciler): every reservation whose pod no longer exists is deleted from its
    /// pool, so a pod killed without a CNI DEL (a node crash, a lost DEL) stops holding its address. Returns what it freed.
    /// </summary>
    public IReadOnlyList<WhereaboutsReservation> Reconcile(Func<string, bool> podExists)
    {
        var freed = new List<WhereaboutsReservation>();
        foreach (var pool in _pools.Values)
        {
            freed.AddRange(pool.Where(r => !podExists(r.PodRef)));
            pool.RemoveAll(r => !podExists(r.PodRef));
        }
        return freed;
    }
}
