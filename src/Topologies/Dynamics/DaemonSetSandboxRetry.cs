using NetSim.Topologies.Build;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// kubelet's retry of a DaemonSet pod whose CNI ADD failed as the cluster came up. kubelet's pod worker requeues any
/// pod whose sandbox failed, whatever controller made it (pkg/kubelet/pod_workers.go: a sync error requeues after
/// backOffPeriod with jitter), so a DaemonSet's pod starts at the first retry after its cause passed, as a
/// Deployment's does (<see cref="DeploymentController"/>). The DaemonSet controller itself has nothing to do: its pod
/// stays scheduled to its node, Pending until the sandbox exists.
/// </summary>
internal static class DaemonSetSandboxRetry
{
    /// <summary>Requeues every DaemonSet pod of <paramref name="cluster"/> whose sandbox failed at start.</summary>
    public static void Start(BuiltCluster cluster, PodLifecycle lifecycle)
    {
        foreach (var w in cluster.Context.Scenario.Workloads.Where(w => w.Kind == "DaemonSet" && !w.HostNetwork))
            foreach (var f in cluster.SandboxFailures.Where(f => f.Pod.Workload == w.Name))
            {
                var pod = new ManagedPod(f.Pod.Name, f.Pod.Index, 0, f.Node) { Phase = PodPhase.Starting };
                lifecycle.RetryFailed(pod, w, static () => { }); // Ready rolls nothing forward: a DaemonSet has no surge
            }
    }
}
