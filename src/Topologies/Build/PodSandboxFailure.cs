using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build;

/// <summary>
/// A pod whose sandbox could not be created because CNI ADD failed (kubelet's FailedCreatePodSandBox): it keeps no
/// netns and no address and stays ContainerCreating, while the rest of the cluster runs, until one of kubelet's
/// retries (every backOffPeriod, Dynamics.PodWorkerBackoff) succeeds. The CNI error's code and message are what the
/// plugin printed.
/// </summary>
public sealed record PodSandboxFailure(PlacedPod Pod, string Node, int Code, string Message)
{
    public static PodSandboxFailure Of(PlacedPod pod, string node, CniException e) =>
        new(pod, node, e.Code, e.Details.Length > 0 ? $"{e.Msg} ({e.Details})" : e.Msg);

    /// <summary>As kubelet's event says it: Failed to create pod sandbox ... plugin type ... failed (add).</summary>
    public string Describe() =>
        $"on {Node}: FailedCreatePodSandBox, CNI ADD failed with CNI error {Code}: {Message}; the pod stays ContainerCreating until a retry succeeds";
}

/// <summary>CNI ADD failed for one pod at run time (not a configuration error): the pod fails, the run goes on.</summary>
public sealed class PodSandboxException : Exception
{
    public PodSandboxException(PodSandboxFailure failure) : base(failure.Describe()) => Failure = failure;

    public PodSandboxException() : this("pod sandbox failed") { }
    public PodSandboxException(string message) : base(message) { }
    public PodSandboxException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The failed pod (null only from the exception's parameterless forms).</summary>
    public PodSandboxFailure? Failure { get; }
}
