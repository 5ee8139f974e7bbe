using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.LoadBalancers;

/// <summary>
/// Every Service type once per Service proxy (kube-proxy iptables, IPVS, nftables; Cilium's and Calico's eBPF
/// replacements), on one cluster: the backend pod on node2, a client pod on node1 and an external client beyond the
/// gateway. Each test checks the connection works and takes the path the proxy would give it (who DNATs, who SNATs,
/// whose address the backend sees). LoadBalancer per implementation is in <see cref="LoadBalancerTests"/>.
/// </summary>
public class ServiceTypeMatrixTests
{
    public static TheoryData<string> Modes => new("iptables", "ipvs", "nftables", "cilium-ebpf", "calico-ebpf");

    private static string Scenario(string mode, bool withUnproxied = true) => $$"""
        name: types
        seed: 3
        duration: 30ms
        cluster:
          nodes: { count: 3, cores: 2 }
          external_network: 203.0.113.0/24
        cni: { datapath: {{(mode.EndsWith("ebpf", StringComparison.Ordinal) ? mode : "flannel-vxlan")}} }
        {{(mode.EndsWith("ebpf", StringComparison.Ordinal) ? "" : $"kube_proxy: {{ mode: {mode} }}")}}
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: api, placement: pinned, nodes: [node2], ports: [{ port: 8080 }] }
        services:
          - { name: api, selector: { app: api }, ports: [{ port: 80, target_port: 8080 }] }
          - { name: api-np, type: NodePort, selector: { app: api }, ports: [{ port: 80, target_port: 8080 }] }
          - { name: api-np-local, type: NodePort, external_traffic_policy: Local, selector: { app: api }, ports: [{ port: 80, target_port: 8080 }] }
          - { name: api-ext, selector: { app: api }, ports: [{ port: 80, target_port: 8080 }], external_ips: [192.0.2.10] }
        {{(withUnproxied ? """
          - { name: api-headless, type: Headless, selector: { app: api }, ports: [{ port: 8080 }] }
          - { name: api-alias, type: ExternalName, external_name: api.default.svc.cluster.local }
        """ : "")}}
        traffic:
          - { name: clusterip, kind: crr, from: pod:client, to: service:api, count: 6 }
          - { name: nodeport, kind: crr, from: external:web, to: nodeport:api-np@node1, count: 6 }
          - { name: nodeport-local, kind: crr, from: external:web, to: nodeport:api-np-local@node2, count: 6 }
          - { name: externalip, kind: crr, from: external:web, to: externalip:api-ext, count: 6 }
          - { name: pod, kind: crr, from: pod:client, to: pod:api, count: 6 }
        """;

    [Theory]
    [MemberData(nameof(Modes))]
    public void ClusterIP_from_a_pod_is_DNATed_on_the_clients_node_and_the_backend_sees_the_pod(string mode)
    {
        var run = LoadBalancerTests.Run(Scenario(mode), 0);
        Assert.Equal(6, run.Transactions);
        var clusterIp = run.Services.Resolve(run.Scenario.Traffic[0].To).Address;
        Assert.All(run.ClientSaw, a => Assert.Equal(clusterIp, a));
        var clientPod = run.Cluster.Pods.First(p => p.Placed.Workload == "client").Address;
        Assert.NotEmpty(run.BackendSaw);
        Assert.All(run.BackendSaw, a => Assert.Equal(clientPod, a));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void NodePort_with_policy_Cluster_on_a_node_without_the_backend_is_masqueraded_there(string mode)
    {
        var run = LoadBalancerTests.Run(Scenario(mode), 1);
        Assert.Equal(6, run.Transactions);
        Assert.All(run.ClientSaw, a => Assert.Equal(run.Cluster.Node("node1").Address, a));
        Assert.Equal(["node1"], run.EnteredAt());
        Assert.NotEmpty(run.BackendSaw);
        Assert.All(run.BackendSaw, a => Assert.True(run.Cluster.Node("node1").Host.IsLocalAddress(a), $"{a} is not node1's"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void NodePort_with_policy_Local_keeps_the_client_address(string mode)
    {
        var run = LoadBalancerTests.Run(Scenario(mode), 2);
        Assert.Equal(6, run.Transactions);
        Assert.All(run.ClientSaw, a => Assert.Equal(run.Cluster.Node("node2").Address, a));
        Assert.Equal(["node2"], run.EnteredAt());
        Assert.All(run.BackendSaw, a => Assert.Equal(run.Cluster.External("web").Address, a));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void ExternalIPs_enter_the_node_they_are_routed_to_and_are_answered_from_the_external_ip(string mode)
    {
        var run = LoadBalancerTests.Run(Scenario(mode), 3);
        Assert.Equal(6, run.Transactions);
        Assert.All(run.ClientSaw, a => Assert.Equal(Engine.Addressing.Ipv4Address.Parse("192.0.2.10"), a));
        Assert.Equal(["node1"], run.EnteredAt());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Headless_and_ExternalName_program_nothing_in_the_proxy_and_the_pod_is_reached_at_its_own_address(string mode)
    {
        // What a client does with a headless Service's A record: connect to the pod itself, no translation anywhere.
        var run = LoadBalancerTests.Run(Scenario(mode), 4);
        Assert.Equal(6, run.Transactions);
        var api = run.Cluster.Pods.First(p => p.Placed.Workload == "api").Address;
        Assert.All(run.ClientSaw, a => Assert.Equal(api, a));
        Assert.All(run.BackendSaw, a => Assert.Equal(run.Cluster.Pods.First(p => p.Placed.Workload == "client").Address, a));
        var without = LoadBalancerTests.Run(Scenario(mode, withUnproxied: false), 4);
        Assert.Equal(without.Proxies.Select(p => p.RuleCount), run.Proxies.Select(p => p.RuleCount));
        Assert.DoesNotContain(run.Services.Snapshot(), p => p.Name is "api-headless" or "api-alias");
    }
}
