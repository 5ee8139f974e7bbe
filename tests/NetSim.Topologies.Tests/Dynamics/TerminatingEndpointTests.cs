using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// A deleted pod's endpoint stays in its EndpointSlice through its grace period as ready=false, serving=true,
/// terminating=true; kube-proxy falls back to serving terminating endpoints when no ready one is left
/// (ProxyTerminatingEndpoints, GA in Kubernetes 1.28), so a Service's only pod keeps answering new connections
/// until its application exits, and only then do connections fail.
/// </summary>
public class TerminatingEndpointTests
{
    private const long Ms = 1_000_000_000;

    private const string Yaml = """
        name: last-pod
        seed: 1
        duration: 250ms
        cluster:
          nodes: { count: 3 }
          nic: { rate: 10Gbps }
        cni: { datapath: calico-bgp }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: web, replicas: 1, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: web, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
        traffic:
          - { name: open, kind: poisson, from: pod:client, to: "service:web:80", mean_interarrival: 500us }
        events:
          - { at: 50ms, kind: pod_delete, pod: web-0, shutdown_delay: 100ms }
        control_plane: { kube_proxy_min_sync_period: 10ms }

        """;

    [Theory]
    [InlineData("iptables", "calico-bgp")]
    [InlineData("nftables", "calico-bgp")]
    [InlineData("ipvs", "calico-bgp")]
    [InlineData("ebpf", "cilium-ebpf")]
    public void The_only_pod_keeps_serving_new_connections_while_it_terminates(string mode, string datapath)
    {
        // The ReplicaSet's replacement pod must not be Ready within the run (the profile's start path takes ~0.16 s).
        var profile = ClusterSimulationTests.Profile().WithDelays(new Dictionary<string, long> { [DelayKeys.PodSandboxStart.Name] = 1000 * Ms });
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "t.yaml", [$"kube_proxy.mode={mode}", $"cni.datapath={datapath}"]),
            profile, null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation.ToString());
        var terminating = r.Timeline.Single(t => t.Kind == "pod_terminating");
        Assert.Contains("ready=false serving=true terminating=true; 0 ready left", terminating.What, StringComparison.Ordinal);
        var exited = r.Timeline.Single(t => t.Kind == "cni_del").AtPs;
        Assert.Equal(150 * Ms, exited);
        // The sync after SIGTERM keeps the terminating endpoint (nothing else serves): every connection opened up to the
        // application's exit is answered, far more than the first sync's window.
        var flows = r.Groups.Single().Flows;
        var served = flows.Where(f => f.StartPs > 50 * Ms && f.StartPs < exited - Ms).ToList();
        Assert.True(served.Count > 150, $"{served.Count} connections during the grace period");
        Assert.All(served, f => Assert.True(f.BytesDelivered > 0 && !f.Unanswered, $"flow {f.FlowId} at {f.StartPs} not served"));
        // Once the application exited and the pod is gone, its endpoint leaves: nothing is served after the next sync.
        var lastSync = r.ProxySyncs[^1];
        Assert.True(lastSync.StartPs >= exited);
        Assert.DoesNotContain(flows, f => f.StartPs > lastSync.EndPs + Ms && f.BytesDelivered > 0 && f.PeerFlowId >= 0);
    }
}
