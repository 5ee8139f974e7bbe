using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// One timed change to the cluster while traffic flows ("events:" in a scenario): at <see cref="At"/>, something
/// happens to <see cref="Target"/> (a node's name for link and node events, a pod's for pod_delete and cni_check, a workload's
/// for scale and rolling_update, a Service's for service_add and service_remove, a switch's for switch_port, uplink (the
/// leaf) and switch events, a policy's (NAMESPACE/NAME) for policy_add and policy_remove).
/// </summary>
/// <param name="Line">The event's line in the scenario file, for messages.</param>
public sealed record ClusterEvent(SimTime At, string Kind, string Target, int Line)
{
    public const string LinkDown = "link_down";
    public const string LinkUp = "link_up";
    public const string NodeDown = "node_down";
    public const string NodeUp = "node_up";
    public const string PodDelete = "pod_delete";
    public const string Scale = "scale";
    public const string RollingUpdate = "rolling_update";
    public const string ServiceAdd = "service_add";
    public const string ServiceRemove = "service_remove";
    public const string BgpReset = "bgp_reset";
    public const string CniCheck = "cni_check";

    public const string SwitchPortDown = "switch_port_down";
    public const string SwitchPortUp = "switch_port_up";
    public const string UplinkDown = "uplink_down";
    public const string UplinkUp = "uplink_up";
    public const string SwitchDown = "switch_down";
    public const string SwitchUp = "switch_up";

    /// <summary>A switch stops forwarding with its ports still lit (a hung ASIC or control plane): its peers find it only by BFD or the BGP hold timer.</summary>
    public const string SwitchHang = "switch_hang";
    public const string SwitchResume = "switch_resume";

    public const string PolicyAdd = "policy_add";
    public const string PolicyRemove = "policy_remove";

    public const string DhcpServerDown = "dhcp_server_down";
    public const string DhcpServerUp = "dhcp_server_up";

    /// <summary>The event kinds a scenario may name (appended, never reordered).</summary>
    public static readonly string[] Kinds = [LinkDown, LinkUp, NodeDown, NodeUp, PodDelete, Scale, RollingUpdate, ServiceAdd, ServiceRemove, BgpReset, CniCheck,
        SwitchPortDown, SwitchPortUp, UplinkDown, UplinkUp, SwitchDown, SwitchUp,
        PolicyAdd, PolicyRemove, SwitchHang, SwitchResume, DhcpServerDown, DhcpServerUp];

    /// <summary>True for kinds that take the node off the network (its NIC without carrier).</summary>
    public bool CutsNode => Kind is LinkDown or NodeDown;

    /// <summary>True for kinds that act on a node (link and power).</summary>
    public bool OnNode => Kind is LinkDown or LinkUp or NodeDown or NodeUp;

    /// <summary>True for kinds that act on a workload's pods (a Deployment's ReplicaSet controller answers them).</summary>
    public bool OnPods => Kind is PodDelete or Scale or RollingUpdate;

    /// <summary>
    /// True for kinds that act on the fabric: a switch port (Target the switch, Peer what the port is cabled to), a
    /// leaf-spine uplink (Target the leaf, Peer the spine) or a whole switch (Target).
    /// </summary>
    public bool OnFabric => Kind is SwitchPortDown or SwitchPortUp or UplinkDown or UplinkUp or SwitchDown or SwitchUp or SwitchHang or SwitchResume;

    /// <summary>True for kinds that create or delete a policy object (Target: its NAMESPACE/NAME, or NAME for a cluster-wide kind).</summary>
    public bool OnPolicy => Kind is PolicyAdd or PolicyRemove;

    /// <summary>True for kinds that stop or start cluster.dhcp_server's process (Target: "dhcp").</summary>
    public bool OnDhcpServer => Kind is DhcpServerDown or DhcpServerUp;

    /// <summary>scale: the replica count to reach.</summary>
    public int Replicas { get; init; }

    /// <summary>New pods: from containers started to Ready (the readiness probe's first success); null = the profile's.</summary>
    public SimTime? ReadinessDelay { get; init; }

    /// <summary>rolling_update: pods above the desired count while updating (Deployment maxSurge, absolute).</summary>
    public int MaxSurge { get; init; }

    /// <summary>rolling_update: desired pods that may be unavailable while updating (Deployment maxUnavailable, absolute).</summary>
    public int MaxUnavailable { get; init; }

    /// <summary>Terminating pods: how long the application keeps serving after SIGTERM (a preStop sleep); 0 = exits at once.</summary>
    public SimTime ShutdownDelay { get; init; }

    /// <summary>Terminating pods: terminationGracePeriodSeconds, after which kubelet sends SIGKILL.</summary>
    public SimTime TerminationGracePeriod { get; init; } = SimTime.FromSeconds(30);

    /// <summary>service_add / service_remove: how many Services (copies of the target Service) are added or removed.</summary>
    public int Count { get; init; } = 1;

    /// <summary>bgp_reset: the node at the session's other end (Target is one end); switch_port_*: what the port is cabled to (a node or a switch); uplink_*: the spine.</summary>
    public string Peer { get; init; } = "";

    /// <summary>service_add / service_remove: Services per second when Count is above 1 (0 = all at once).</summary>
    public double Rate { get; init; }
}
