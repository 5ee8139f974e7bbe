using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// The Deployment and ReplicaSet controllers for the scenario's Deployments: keep the desired number of active
/// pods (a deleted pod is replaced at once; a scale up creates pods, a scale down deletes the not-ready and then the
/// newest ones first), and roll a new revision out within maxSurge and maxUnavailable: new pods are created while the
/// active total stays at most replicas + maxSurge, and old pods are deleted while the Ready pods stay at least
/// replicas - maxUnavailable (terminating pods count toward neither), re-checked whenever a pod turns Ready. New pods
/// are named WORKLOAD-INDEX with the next index and scheduled to the node with the fewest active pods of the Deployment.
/// </summary>
internal sealed class DeploymentController
{
    private readonly ClusterDynamics _dynamics;
    private readonly BuiltCluster _cluster;
    private readonly PodLifecycle _lifecycle;
    private readonly Dictionary<string, Deployment> _deployments = new(StringComparer.Ordinal);

    public DeploymentController(ClusterDynamics dynamics, BuiltCluster cluster, PodLifecycle lifecycle)
    {
        _dynamics = dynamics;
        _cluster = cluster;
        _lifecycle = lifecycle;
        foreach (var w in cluster.Context.Scenario.Workloads.Where(w => w.Kind == "Deployment" && !w.HostNetwork))
        {
            var d = _deployments[w.Name] = new Deployment(w) { Desired = w.Replicas, NextIndex = w.Replicas };
            foreach (var p in cluster.Pods.Where(p => p.Placed.Workload == w.Name))
                d.Pods.Add(new ManagedPod(p.Name, p.Placed.Index, 0, p.Node.Name) { Phase = PodPhase.Ready, Built = p });
            // Pods whose CNI ADD failed as the cluster came up are Starting: kubelet retries their sandbox after its backoff.
            foreach (var f in cluster.SandboxFailures.Where(f => f.Pod.Workload == w.Name))
            {
                var pod = new ManagedPod(f.Pod.Name, f.Pod.Index, 0, f.Node) { Phase = PodPhase.Starting };
                d.Pods.Add(pod);
                _lifecycle.RetryFailed(pod, w, () => Reconcile(d));
            }
        }
    }

    public void Apply(ClusterEvent e)
    {
        switch (e.Kind)
        {
            case ClusterEvent.PodDelete:
                var d = _deployments[e.Target[..e.Target.LastIndexOf('-')]];
                var pod = d.Pods.FirstOrDefault(p => p.Name == e.Target && p.Active);
                if (pod is null)
                {
                    _dynamics.Record(e.Kind, e.Target, "nothing to delete: the pod is already terminating or gone (replaced by an earlier change)");
                    return;
                }
                _dynamics.Record(e.Kind, e.Target, $"kubectl delete pod {e.Target} (terminationGracePeriod {e.TerminationGracePeriod})");
                _lifecycle.Terminate(pod, e.ShutdownDelay, e.TerminationGracePeriod, "deleted");
                d.ReadinessDelay = e.ReadinessDelay;
                Reconcile(d);
                break;
            case ClusterEvent.Scale:
                d = _deployments[e.Target];
                _dynamics.Record(e.Kind, e.Target, $"replicas {d.Desired} -> {e.Replicas}");
                d.Desired = e.Replicas;
                d.ReadinessDelay = e.ReadinessDelay;
                Reconcile(d);
                break;
            default:
                d = _deployments[e.Target];
                d.Revision++;
                d.Rollout = e;
                d.ReadinessDelay = e.ReadinessDelay;
                _dynamics.Record(e.Kind, e.Target, string.Create(CultureInfo.InvariantCulture,
                    $"revision {d.Revision}: {d.Desired} replicas, maxSurge {e.MaxSurge}, maxUnavailable {e.MaxUnavailable}, shutdown delay {e.ShutdownDelay}, terminationGracePeriod {e.TerminationGracePeriod}"));
                Reconcile(d);
                break;
        }
    }

    /// <summary>One pass of the controllers over <paramref name="d"/> (on an event, and when one of its pods turns Ready).</summary>
    private void Reconcile(Deployment d)
    {
        var active = d.Pods.Where(p => p.Active).ToList();
        var current = active.Where(p => p.Revision == d.Revision).ToList();
        var old = active.Where(p => p.Revision != d.Revision).ToList();
        var grace = d.Rollout?.TerminationGracePeriod ?? SimTime.FromSeconds(30);
        var shutdown = d.Rollout?.ShutdownDelay ?? SimTime.Zero;
        if (old.Count == 0)
        {
            for (int i = current.Count; i < d.Desired; i++) Create(d);
            // ReplicaSet scale-down: pods not yet Ready first, then the newest.
            foreach (var p in current.OrderBy(p => p.Phase == PodPhase.Ready).ThenByDescending(p => p.Index).Take(Math.Max(0, current.Count - d.Desired)))
                _lifecycle.Terminate(p, shutdown, grace, "scaled down");
            if (d.Rollout is { } done && current.Count(p => p.Phase == PodPhase.Ready) >= d.Desired)
            {
                _dynamics.Record("rollout_complete", d.Workload.Name, $"revision {d.Revision}: all {d.Desired} pods new and Ready");
                d.Rollout = null;
            }
            return;
        }
        var rollout = d.Rollout!;
        int surge = d.Desired + rollout.MaxSurge - active.Count;
        for (int i = 0; i < Math.Min(surge, d.Desired - current.Count); i++) Create(d);
        active = d.Pods.Where(p => p.Active).ToList();
        int minAvailable = d.Desired - rollout.MaxUnavailable;
        int newUnavailable = d.Pods.Count(p => p.Active && p.Revision == d.Revision && p.Phase != PodPhase.Ready);
        int scaleDown = active.Count - minAvailable - newUnavailable;
        // Old pods that are not Ready go first (they serve nothing), then the oldest Ready ones.
        var down = old.OrderBy(p => p.Phase == PodPhase.Ready).ThenBy(p => p.Index).Take(Math.Max(0, Math.Min(scaleDown, old.Count))).ToList();
        foreach (var p in down) _lifecycle.Terminate(p, shutdown, grace, $"rolling update to revision {d.Revision}");
        // Pods that started terminating no longer count toward the surge: the controllers act again on that change.
        if (down.Count > 0) Reconcile(d);
    }

    private void Create(Deployment d)
    {
        var pod = new ManagedPod($"{d.Workload.Name}-{d.NextIndex}", d.NextIndex, d.Revision, Schedule(d)) { Phase = PodPhase.Starting };
        d.NextIndex++;
        d.Pods.Add(pod);
        _lifecycle.Start(pod, d.Workload, d.ReadinessDelay, () => Reconcile(d));
    }

    /// <summary>
    /// The default scheduler's spreading for a Deployment's pods (PodTopologySpread's default constraint on
    /// kubernetes.io/hostname): the Ready worker (or, with no workers, any Ready node) with the fewest active pods of
    /// the Deployment, the first in node order on a tie. A node that is down or NotReady is skipped (its taint).
    /// </summary>
    private string Schedule(Deployment d)
    {
        var nodes = _cluster.Context.Scenario.Cluster.Nodes;
        var candidates = nodes.Where(n => n.Role == "worker").Select(n => n.Name).ToList();
        if (candidates.Count == 0) candidates = nodes.Select(n => n.Name).ToList();
        if (d.Workload.Placement == "pinned") candidates = d.Workload.Nodes.ToList();
        var up = candidates.Where(n => !_dynamics.IsUnschedulable(n)).ToList();
        if (up.Count > 0) candidates = up;
        return candidates.OrderBy(n => d.Pods.Count(p => p.Active && p.Node == n)).First();
    }

    private sealed class Deployment(WorkloadSpec workload)
    {
        public WorkloadSpec Workload { get; } = workload;
        public List<ManagedPod> Pods { get; } = new();
        public int Desired { get; set; }
        public int NextIndex { get; set; }
        public int Revision { get; set; }
        public ClusterEvent? Rollout { get; set; }
        public SimTime? ReadinessDelay { get; set; }
    }
}
