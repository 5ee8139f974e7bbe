using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// A pod's start and end at the control plane's speed. Start: scheduled to a node, kubelet asks containerd for the
/// sandbox (pause container, netns), the CNI ADD wires it (veth, IPAM address, routes), the CNI's agent programs the
/// endpoint, the application container starts listening, and after its readiness delay the pod is Ready: the
/// EndpointSlice gains it and each proxy programs it at its next sync. End: deletion sets the pod terminating, so its
/// endpoint leaves at once (proxies stop choosing it at their next sync); SIGTERM reaches the application, which exits
/// after its shutdown delay (or is killed at terminationGracePeriod); kubelet then stops the sandbox: CNI DEL deletes
/// the veth and returns the IP to the IPAM, so packets still sent to it are lost the way the datapath loses them.
/// </summary>
internal sealed class PodLifecycle
{
    private readonly ClusterDynamics _dynamics;
    private readonly BuiltCluster _cluster;
    private readonly ServiceWiring _services;
    private readonly TrafficWiring? _traffic;
    private readonly PodStartTimes _times;
    private readonly PodWorkerBackoff _backoff;

    public PodLifecycle(ClusterDynamics dynamics, BuiltCluster cluster, ServiceWiring services, TrafficWiring? traffic, PodStartTimes times)
    {
        _dynamics = dynamics;
        _cluster = cluster;
        _services = services;
        _traffic = traffic;
        _times = times;
        _backoff = new PodWorkerBackoff(cluster.Context.Random);
    }

    /// <summary>Starts <paramref name="pod"/> of <paramref name="w"/>; <paramref name="ready"/> runs when it turns Ready.</summary>
    public void Start(ManagedPod pod, WorkloadSpec w, SimTime? readinessDelay, Action ready)
    {
        _dynamics.Record("pod_create", pod.Name, $"created (revision {pod.Revision}) and scheduled to {pod.Node}; sandbox and CNI ADD in {_times.SandboxStart + _times.CniAdd}");
        _dynamics.After(_times.SandboxStart + _times.CniAdd, () => CreateSandbox(pod, w, readinessDelay, ready));
    }

    /// <summary>
    /// A pod whose CNI ADD failed while the cluster came up (before the run): kubelet's pod worker retries it after its
    /// backoff, as after any failed sync.
    /// </summary>
    public void RetryFailed(ManagedPod pod, WorkloadSpec w, Action ready) => ScheduleRetry(pod, w, null, ready);

    /// <summary>kubelet's sync of a pod without a sandbox: RunPodSandbox (netns, CNI ADD); a failed ADD is retried after the pod worker's backoff.</summary>
    private void CreateSandbox(ManagedPod pod, WorkloadSpec w, SimTime? readinessDelay, Action ready)
    {
        if (pod.Phase != PodPhase.Starting) return; // deleted before its sandbox existed
        // With a plugin that waits on the wire (the dhcp IPAM), RunPodSandbox runs on a runtime thread of its own: the
        // wait blocks that thread, not the simulation. Every other ADD returns at once and runs here.
        if (WaitsOnTheWire(_cluster.Node(pod.Node))) RuntimeThread.Run(() => RunPodSandbox(pod, w, readinessDelay, ready));
        else RunPodSandbox(pod, w, readinessDelay, ready);
    }

    /// <summary>The node's network names the dhcp IPAM (whose ADD waits for the daemon's lease).</summary>
    private static bool WaitsOnTheWire(BuiltNode node) =>
        node.Runtime!.Network.Plugins.Any(p => p["ipam"] is System.Text.Json.Nodes.JsonObject ipam
            && ipam["type"] is System.Text.Json.Nodes.JsonValue t && t.TryGetValue(out string? type) && type == "dhcp");

    private void RunPodSandbox(ManagedPod pod, WorkloadSpec w, SimTime? readinessDelay, Action ready)
    {
        var node = _cluster.Node(pod.Node);
        var placed = new PlacedPod(pod.Name, w.Name, pod.Index, w.Namespace, pod.Node, w.Labels, w.Containers, false) { Networks = w.Networks };
        try
        {
            pod.Built = _cluster.Network.AddPod(node, placed);
        }
        catch (InputException e)
        {
            _dynamics.Record("cni_add_failed", pod.Name, $"CNI ADD failed, the pod stays ContainerCreating: {e.Problem}");
            return; // a configuration error fails every retry the same way
        }
        catch (PodSandboxException e)
        {
            _dynamics.Record("cni_add_failed", pod.Name, e.Message);
            if (pod.Phase == PodPhase.Starting) ScheduleRetry(pod, w, readinessDelay, ready); // a pod deleted meanwhile is not retried
            return;
        }
        if (pod.Phase != PodPhase.Starting) // deleted while its ADD waited on the wire: kubelet tears the new sandbox down
        {
            node.Runtime!.StopPodSandbox(placed);
            pod.Built = null;
            return;
        }
        _cluster.AddPod(pod.Built);
        _dynamics.Record("cni_add", pod.Name, $"sandbox netns on {pod.Node}, CNI ADD done: IP {pod.Built.Address} from the IPAM");
        _dynamics.After(_times.AgentProgramming(_cluster.Network.PolicyAgent), () => ProgramEndpoint(pod));
        _dynamics.After(_times.ContainerStart, () => Run(pod, readinessDelay ?? _times.ReadinessDelay, ready));
    }

    private void ScheduleRetry(ManagedPod pod, WorkloadSpec w, SimTime? readinessDelay, Action ready)
    {
        var wait = _backoff.Next(pod.Name);
        _dynamics.Record("sandbox_retry", pod.Name, $"kubelet's pod worker requeues the pod: RunPodSandbox again in {wait} (backOffPeriod {PodWorkerBackoff.BackOffPeriod}, jitter {PodWorkerBackoff.JitterFactor}), CNI ADD {_times.CniAdd} after");
        _dynamics.After(wait + _times.CniAdd, () => CreateSandbox(pod, w, readinessDelay, ready));
    }

    private void ProgramEndpoint(ManagedPod pod)
    {
        if (pod.Built is not { } built || pod.Phase == PodPhase.Gone) return;
        _cluster.Network.AttachNewPod(built.Node, built);
        _services.AttachNewPod(built);
        _dynamics.Policy.EndpointsChanged($"{pod.Name}'s endpoint {built.Address} added");
        _dynamics.Record("agent_programmed", pod.Name, $"{_cluster.Context.Scenario.Cni.Datapath} agent programmed the endpoint {built.Address} ({_times.AgentProgramming(_cluster.Network.PolicyAgent)} after CNI ADD)");
    }

    private void Run(ManagedPod pod, SimTime readiness, Action ready)
    {
        if (pod.Phase != PodPhase.Starting || pod.Built is not { } built) return;
        pod.Phase = PodPhase.Running;
        int servers = _traffic?.ServeLikeSiblings(built) ?? 0;
        _dynamics.Record("container_started", pod.Name, $"application running{(servers > 0 ? $", {servers} listeners" : "")}; Ready in {readiness}");
        _dynamics.After(readiness, () =>
        {
            if (pod.Phase != PodPhase.Running) return;
            pod.Phase = PodPhase.Ready;
            var lines = _services.AddPodEndpoints(built);
            _dynamics.Record("pod_ready", pod.Name, "Ready" + (lines.Count > 0 ? "; " + string.Join("; ", lines) : "; no Service selects it"));
            if (lines.Count > 0) _dynamics.Sync.Request(pod.Name, $"{pod.Name} Ready", lines.Count);
            ready();
        });
    }

    /// <summary>Deletes <paramref name="pod"/>: terminating now, its sandbox stopped when its application exits.</summary>
    public void Terminate(ManagedPod pod, SimTime shutdownDelay, SimTime gracePeriod, string why)
    {
        if (!pod.Active) return;
        var was = pod.Phase;
        pod.Phase = PodPhase.Terminating;
        var lines = pod.Built is { } built && was == PodPhase.Ready ? _services.MarkPodTerminating(built) : [];
        var exit = shutdownDelay < gracePeriod ? shutdownDelay : gracePeriod;
        _dynamics.Record("pod_terminating", pod.Name, string.Create(CultureInfo.InvariantCulture, $"{why}: SIGTERM, the application exits in {exit}")
            + (shutdownDelay > gracePeriod ? $" (SIGKILL at terminationGracePeriod {gracePeriod})" : "")
            + (lines.Count > 0 ? "; " + string.Join("; ", lines) : ""));
        if (lines.Count > 0) _dynamics.Sync.Request(pod.Name, $"{pod.Name} terminating", lines.Count);
        _dynamics.After(exit, () => StopSandbox(pod));
    }

    private void StopSandbox(ManagedPod pod)
    {
        pod.Phase = PodPhase.Gone;
        if (pod.Built is not { } built) return;
        built.Node.Runtime!.StopPodSandbox(built.Placed);
        _cluster.RemovePod(built);
        // The pod object is deleted once its containers are gone: its terminating endpoints leave the EndpointSlices.
        var lines = _services.RemovePodEndpoints(built);
        _dynamics.Record("cni_del", pod.Name, $"application exited; sandbox stopped on {built.Node.Name}: CNI DEL deleted its veth and released {built.Address} to the IPAM"
            + (lines.Count > 0 ? "; " + string.Join("; ", lines) : ""));
        if (lines.Count > 0) _dynamics.Sync.Request(pod.Name, $"{pod.Name} gone", lines.Count);
        _dynamics.Policy.WorkloadRemoved(built.Node, $"{pod.Name}'s endpoint {built.Address} removed");
    }
}
