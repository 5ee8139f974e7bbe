using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dynamics;

/// <summary>The control plane's timers for one run: the scenario's control_plane: values, else the cost profile's (each with its source there).</summary>
public sealed record ControlPlaneTimers(SimTime NodeMonitorGracePeriod, SimTime KubeProxyMinSyncPeriod, SimTime BgpHoldTime)
{
    /// <summary>The pod start path: sandbox, CNI ADD, the agent's endpoint, the container, readiness (profile delays).</summary>
    public PodStartTimes PodStart { get; init; } = PodStartTimes.Zero;

    /// <summary>BFD's detection time on the BGP sessions when the scenario configures it; null = the hold timer detects.</summary>
    public SimTime? BfdDetectTime { get; init; }

    /// <summary>One BGP UPDATE's delay per session hop: a route reflector's clients hear of a withdrawal one hop after it.</summary>
    public SimTime BgpUpdateDelay { get; init; }

    /// <summary>After a BGP session reset, the time until BIRD has it established again.</summary>
    public SimTime BgpConnectDelay { get; init; }

    /// <summary>After a session failure, BIRD's error wait before it restarts the session.</summary>
    public SimTime BgpErrorWait { get; init; }

    /// <summary>BIRD's interval between connection attempts to a peer that does not answer.</summary>
    public SimTime BgpConnectRetry { get; init; }

    /// <summary>The time slice a CPU-bound control-plane task (a proxy sync, an agent's writes) holds a core before the datapath's waiting work runs.</summary>
    public SimTime ControlCpuSlice { get; init; } = SimTime.FromPicoseconds(1);

    /// <summary>How long each policy agent takes to program a policy or endpoint change (profile delays).</summary>
    public PolicyAgentTimes PolicyAgents { get; init; } = PolicyAgentTimes.Zero;

    /// <summary>MetalLB's speakers' failure detection (memberlist) and rejoin loop (profile delays).</summary>
    public LoadBalancers.MemberlistTimers Memberlist { get; init; } = LoadBalancers.MemberlistTimers.Zero;

    /// <summary>What one proxy sync costs per unit of work, per mode (profile delays).</summary>
    public ProxySyncCosts SyncCosts { get; init; } = ProxySyncCosts.Zero;

    public static ControlPlaneTimers Resolve(Scenario scenario, CostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        var c = scenario.ControlPlane;
        return new ControlPlaneTimers(
            c.NodeMonitorGracePeriod ?? Delay(profile, DelayKeys.NodeMonitorGracePeriod),
            c.KubeProxyMinSyncPeriod ?? Delay(profile, DelayKeys.KubeProxyMinSyncPeriod),
            c.BgpHoldTime ?? Delay(profile, DelayKeys.BgpHoldTime))
        {
            BfdDetectTime = c.BfdDetectTime,
            BgpUpdateDelay = c.BgpUpdateDelay ?? Delay(profile, DelayKeys.BgpUpdateDelay),
            BgpConnectDelay = c.BgpConnectDelay ?? Delay(profile, DelayKeys.BgpConnectDelay),
            BgpErrorWait = c.BgpErrorWait ?? Delay(profile, DelayKeys.BgpErrorWait),
            BgpConnectRetry = c.BgpConnectRetry ?? Delay(profile, DelayKeys.BgpConnectRetry),
            ControlCpuSlice = Delay(profile, DelayKeys.ControlCpuSlice),
            Memberlist = new LoadBalancers.MemberlistTimers(Delay(profile, DelayKeys.MemberlistProbeInterval),
                Delay(profile, DelayKeys.MemberlistSuspicionTimeout), Delay(profile, DelayKeys.MetalLbRejoinPeriod)),
            PolicyAgents = new PolicyAgentTimes(Delay(profile, DelayKeys.FelixApplyInterval), Delay(profile, DelayKeys.CiliumPolicyRegeneration),
                Delay(profile, DelayKeys.PolicyMapUpdatePerEntry)),
            PodStart = new PodStartTimes(Delay(profile, DelayKeys.PodScheduling) + Delay(profile, DelayKeys.PodSandboxStart), Delay(profile, DelayKeys.CniAdd),
                Delay(profile, DelayKeys.ContainerStart), Delay(profile, DelayKeys.ReadinessDelay))
            {
                FelixEndpoint = Delay(profile, DelayKeys.FelixEndpointProgramming),
                BpfEndpoint = Delay(profile, DelayKeys.BpfEndpointRegeneration),
            },
            SyncCosts = new ProxySyncCosts(Delay(profile, DelayKeys.IptablesRestoreFixed), Delay(profile, DelayKeys.IptablesRestorePerRule), Delay(profile, DelayKeys.IptablesRestorePerRuleSquared),
                Delay(profile, DelayKeys.NftTransaction), Delay(profile, DelayKeys.NftListPerRule), Delay(profile, DelayKeys.IpvsServiceUpdate),
                Delay(profile, DelayKeys.BpfMapUpdate)),
        };
    }

    private static SimTime Delay(CostProfile profile, DelayKey key) => new(profile.DelayPs(key));
}

/// <summary>How long each step of a new pod's start takes (scheduler, containerd, the CNI and its agent).</summary>
/// <param name="SandboxStart">From the pod's creation to its CNI ADD: scheduling, then the runtime's sandbox.</param>
public sealed record PodStartTimes(SimTime SandboxStart, SimTime CniAdd, SimTime ContainerStart, SimTime ReadinessDelay)
{
    public static readonly PodStartTimes Zero = new(SimTime.Zero, SimTime.Zero, SimTime.Zero, SimTime.Zero);

    /// <summary>Felix's iptables dataplane programming a new endpoint.</summary>
    public SimTime FelixEndpoint { get; init; }

    /// <summary>An eBPF agent loading and attaching a new endpoint's programs.</summary>
    public SimTime BpfEndpoint { get; init; }

    /// <summary>From CNI ADD to <paramref name="agent"/> (see PodNetwork.PolicyAgent) having programmed the endpoint; none without an agent (the plugin wired it).</summary>
    public SimTime AgentProgramming(string agent) => agent switch
    {
        "felix-iptables" => FelixEndpoint,
        "felix-bpf" or "cilium" => BpfEndpoint,
        _ => SimTime.Zero,
    };
}

/// <summary>
/// How long a NetworkPolicy agent takes to program a change on a node: Felix applies at once unless its apply throttle
/// is empty (<see cref="FelixApplyThrottle"/>, refilled every <see cref="FelixApplyInterval"/>), then runs one
/// iptables-restore of the chains that changed (charged by the kube-proxy sync's measured restore costs per line) or
/// writes its BPF map entries; cilium-agent regenerates the endpoint before its policy map writes (per entry).
/// </summary>
public sealed record PolicyAgentTimes(SimTime FelixApplyInterval, SimTime CiliumRegeneration, SimTime MapUpdatePerEntry)
{
    public static readonly PolicyAgentTimes Zero = new(SimTime.Zero, SimTime.Zero, SimTime.Zero);

    /// <summary>Felix's dataplane loop goes through the apply throttle (its iptables and its BPF dataplane alike).</summary>
    public static bool IsFelix(string agent) => agent is "felix-iptables" or "felix-bpf";

    /// <summary>From a change reaching a non-Felix <paramref name="agent"/> (see PodNetwork.PolicyAgent) to its writes starting.</summary>
    public SimTime Wait(string agent) => agent == "cilium" ? CiliumRegeneration : SimTime.Zero;

    /// <summary>The CPU of writing <paramref name="size"/> lines (one iptables-restore, at the measured restore costs) or map entries.</summary>
    public SimTime Cpu(string agent, long size, ProxySyncCosts restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        return agent switch
        {
            "felix-iptables" => restore.Duration("iptables", size, size > 0 ? 1 : 0),
            "felix-bpf" or "cilium" => MapUpdatePerEntry * size,
            _ => SimTime.Zero,
        };
    }
}
