using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// One timed change to the cluster while traffic flows ("events:" in a scenario): at <see cref="At"/>, something
/// happens to <see cref="Target"/> (a node's name for link and node events).
/// </summary>
/// <param name="Line">The event's line in the scenario file, for messages.</param>
public sealed record ClusterEvent(SimTime At, string Kind, string Target, int Line)
{
    public const string LinkDown = "link_down";
    public const string LinkUp = "link_up";
    public const string NodeDown = "node_down";
    public const string NodeUp = "node_up";

    /// <summary>The event kinds a scenario may name.</summary>
    public static readonly string[] Kinds = [LinkDown, LinkUp, NodeDown, NodeUp];

    /// <summary>True for kinds that take the node off the network (its NIC without carrier).</summary>
    public bool CutsNode => Kind is LinkDown or NodeDown;
}
