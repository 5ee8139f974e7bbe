namespace NetSim.Engine.Core;

/// <summary>
/// A way for one partition's events to cause events in another (on a cluster, a wire whose ends fell in different
/// partitions), asked between windows how soon it can: its own state can promise more than the static lookahead (a
/// wire still serialising the frames it was given cannot start another before they are out).
/// </summary>
public interface IPartitionCrossing
{
    /// <summary>
    /// The earliest time at which any event that its partition runs at or after <paramref name="fromPs"/> can make
    /// this crossing schedule an event in the other partition (never less than <paramref name="fromPs"/> plus the
    /// crossing's static lookahead).
    /// </summary>
    long EarliestCrossingPs(long fromPs);
}
