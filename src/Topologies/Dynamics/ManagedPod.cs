using NetSim.Topologies.Build;

namespace NetSim.Topologies.Dynamics;

/// <summary>Where a Deployment's pod is in its life, as its ReplicaSet and kubelet see it.</summary>
internal enum PodPhase
{
    /// <summary>Created and scheduled; sandbox, CNI ADD and containers on their way.</summary>
    Starting,
    /// <summary>Containers running, not yet Ready.</summary>
    Running,
    /// <summary>Ready: an endpoint of the Services that select it.</summary>
    Ready,
    /// <summary>Deletion started (SIGTERM sent): no longer an endpoint; its sandbox stops when the application exits.</summary>
    Terminating,
    /// <summary>Sandbox stopped: CNI DEL done, IP back in the IPAM.</summary>
    Gone,
}

/// <summary>One pod of a Deployment while the cluster changes: its name, the revision it runs, where it is in its life.</summary>
internal sealed class ManagedPod(string name, int index, int revision, string node)
{
    public string Name { get; } = name;
    public int Index { get; } = index;
    public int Revision { get; } = revision;
    public string Node { get; } = node;
    public PodPhase Phase { get; set; }
    /// <summary>The pod's netns and address once its CNI ADD returned; null before.</summary>
    public BuiltPod? Built { get; set; }

    /// <summary>Counts against the Deployment's replicas (terminating pods do not, as in the ReplicaSet controller).</summary>
    public bool Active => Phase is PodPhase.Starting or PodPhase.Running or PodPhase.Ready;
}
