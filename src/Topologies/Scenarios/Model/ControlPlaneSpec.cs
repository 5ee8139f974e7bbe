using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// The scenario's own control-plane timers ("control_plane:"), each overriding the cost profile's default (null = the
/// profile's): shortened timers let a test or a short run see a failure's whole course.
/// </summary>
public sealed record ControlPlaneSpec(SimTime? NodeMonitorGracePeriod, SimTime? KubeProxyMinSyncPeriod, SimTime? BgpHoldTime)
{
    public static readonly ControlPlaneSpec FromProfile = new(null, null, null);

    public const string NodeMonitorGracePeriodField = "node_monitor_grace_period";
    public const string KubeProxyMinSyncPeriodField = "kube_proxy_min_sync_period";
    public const string BgpHoldTimeField = "bgp_hold_time";
    public const string BfdDetectTimeField = "bfd_detect_time";
    public const string BgpUpdateDelayField = "bgp_update_delay";
    public const string BgpConnectDelayField = "bgp_connect_delay";
    public const string BgpErrorWaitField = "bgp_error_wait";
    public const string BgpConnectRetryField = "bgp_connect_retry";

    /// <summary>
    /// BFD on every BGP session, detecting a silent peer in this time (its detect multiplier x its transmit interval);
    /// null = no BFD, the hold timer detects. Scenario-only: BFD is configured, not a default.
    /// </summary>
    public SimTime? BfdDetectTime { get; init; }

    /// <summary>One BGP UPDATE's delay per session hop (a route reflector adds one); null = the profile's.</summary>
    public SimTime? BgpUpdateDelay { get; init; }

    /// <summary>After a bgp_reset, how long until the session is established again (BIRD's connect delay); null = the profile's.</summary>
    public SimTime? BgpConnectDelay { get; init; }

    /// <summary>After a session failure (hold timer, BFD), BIRD's wait before restarting it (error wait time); null = the profile's.</summary>
    public SimTime? BgpErrorWait { get; init; }

    /// <summary>BIRD's interval between connection attempts to an unanswering peer (connect retry time); null = the profile's.</summary>
    public SimTime? BgpConnectRetry { get; init; }
}
