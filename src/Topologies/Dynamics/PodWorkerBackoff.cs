using NetSim.Engine.Core;
using NetSim.Engine.Randomness;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// kubelet's pod worker after a failed sync (a RunPodSandbox whose CNI ADD failed): the pod is requeued after
/// wait.Jitter(backOffPeriod, workerBackOffPeriodJitterFactor), i.e. uniformly in [10 s, 15 s), and the next sync
/// creates the sandbox again (kubernetes pkg/kubelet/kubelet.go backOffPeriod = 10 s; pkg/kubelet/pod_workers.go
/// completeWork, workerBackOffPeriodJitterFactor = 0.5). The period does not grow: every retry waits the same.
/// Each pod draws from its own stream, so one pod's retries do not move another's.
/// </summary>
internal sealed class PodWorkerBackoff(Func<string, RandomStream> streams)
{
    /// <summary>kubelet.go backOffPeriod.</summary>
    public static readonly SimTime BackOffPeriod = SimTime.FromSeconds(10);

    /// <summary>pod_workers.go workerBackOffPeriodJitterFactor: wait.Jitter adds up to this fraction of the period.</summary>
    public const double JitterFactor = 0.5;

    /// <summary>The wait before <paramref name="pod"/>'s next sync: wait.Jitter(period, factor) = period + U[0,1) x factor x period.</summary>
    public SimTime Next(string pod)
    {
        double u = streams($"kubelet/pod-worker/{pod}").NextDouble();
        return SimTime.FromPicoseconds(BackOffPeriod.Picoseconds + (long)(u * JitterFactor * BackOffPeriod.Picoseconds));
    }
}
