using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dynamics;

/// <summary>The control plane's timers for one run: the scenario's control_plane: values, else the cost profile's (each with its source there).</summary>
public sealed record ControlPlaneTimers(SimTime NodeMonitorGracePeriod, SimTime KubeProxyMinSyncPeriod, SimTime BgpHoldTime)
{
    public static ControlPlaneTimers Resolve(Scenario scenario, CostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        var c = scenario.ControlPlane;
        return new ControlPlaneTimers(
            c.NodeMonitorGracePeriod ?? new SimTime(profile.DelayPs(DelayKeys.NodeMonitorGracePeriod)),
            c.KubeProxyMinSyncPeriod ?? new SimTime(profile.DelayPs(DelayKeys.KubeProxyMinSyncPeriod)),
            c.BgpHoldTime ?? new SimTime(profile.DelayPs(DelayKeys.BgpHoldTime)));
    }
}
