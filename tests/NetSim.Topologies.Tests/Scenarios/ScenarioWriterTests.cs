using System.Collections;
using System.Reflection;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Scenarios;

public class ScenarioWriterTests
{
    /// <summary>Every section with non-default values: node lists, a DaemonSet, counted NodePort Services, poisson and UDP traffic.</summary>
    private const string Rich = """
        name: rich
        description: "a scenario: with a colon, and 'quotes'"
        seed: 42
        duration: 1.5s
        warmup: 250us
        profile: default
        cluster:
          cores: 4
          nodes:
            - { name: cp, role: control-plane, cores: 2 }
            - { name: w1, rack: 0, nic: { rate: 2.5Gbps, mtu: 9000 } }
            - { name: w2, rack: 0 }
          nic: { rate: 25Gbps, mtu: 1500, queues: 4, rx_ring: 4096, tso: false, driver: mlx5 }
          fabric: { port_buffer: 1000000, propagation: 1.25us, oversubscription: 2.5 }
          node_mask: 25
          max_pods: 60
        cni:
          datapath: calico-bgp
          bgp: route-reflectors
          route_reflectors: [cp]
        kube_proxy: { mode: ipvs, ipvs_scheduler: lc }
        workloads:
          - name: client
            replicas: 3
            labels: { app: client, tier: "true" }
            containers: [app, sidecar]
          - name: server
            placement: pinned
            nodes: [w2]
            ports: [{ name: http, port: 8080 }, { port: 53, protocol: UDP }]
          - name: agent
            kind: DaemonSet
            host_network: true
        services:
          - name: web
            count: 4
            type: NodePort
            selector: { app: server }
            ports: [{ port: 80, target_port: http, node_port: 30100 }]
          - name: dns
            selector: { app: server }
            ports: [{ name: dns, port: 53, target_port: "53", protocol: UDP }]
            session_affinity: ClientIP
            affinity_timeout: 60s
          - name: empty
            expect_no_endpoints: true
            ports: [{ port: 9 }]
        traffic:
          - name: rr
            kind: rr
            from: pod:client-1/sidecar
            to: service:web-3:80
            request_size: 1KiB
            response_size: 64KiB
            in_flight: 4
          - name: open
            kind: poisson
            from: workload:client
            to: nodeport:web-2@w1
            mean_interarrival: 100us
            duration: 500ms
            start: 10ms
            count: 1000
          - name: udp
            kind: bulk
            protocol: udp
            rate: 1500Mbps
            bytes: 10MB
            from: node:w1
            to: pod:server
        compare: [host, calico-bgp, cilium-ebpf]
        baseline: calico-bgp
        """;

    /// <summary>A second NIC with SR-IOV VFs, a NetworkAttachmentDefinition, a pod's networks and traffic to its net1.</summary>
    private const string Multus = """
        name: multus
        seed: 1
        duration: 10ms
        cluster:
          nodes: { count: 2 }
          nics:
            - { name: eth1, rate: 100Gbps, mtu: 9000, network: fast, cidr: 10.200.0.0/16, sriov_numvfs: 4, total_vfs: 32, vf_queues: 2, resource: intel.com/sriov }
        cni: { datapath: flannel-vxlan }
        network_attachments:
          - name: sriov-net
            resource: intel.com/sriov
            config: '{"cniVersion":"1.0.0","name":"sriov-net","type":"sriov","max_tx_rate":1000,"ipam":{"type":"whereabouts","range":"10.200.1.0/24"}}'
        workloads:
          - { name: a, networks: "sriov-net, sriov-net@fast2" }
        traffic:
          - { name: rr, kind: rr, from: pod:a, to: pod:a@fast2 }
        """;

    public static TheoryData<string> Scenarios => new() { ScenarioLoaderTests.Valid, Rich, Rich.Replace("nodes:\n    - { name: cp", "nodes:\n    - { name: node1", StringComparison.Ordinal), Multus };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void A_written_scenario_loads_back_equal(string yaml)
    {
        var original = ScenarioLoader.Parse(yaml, "in.yaml");
        string written = ScenarioWriter.Write(original);
        var reloaded = ScenarioLoader.Parse(written, "out.yaml");
        // The source text and overrides differ by construction (written vs original); everything they produce must not.
        AssertDeepEqual(original with { File = "", SourceText = "", Overrides = [] }, reloaded with { File = "", SourceText = "", Overrides = [] }, "scenario");
        Assert.Equal(written, ScenarioWriter.Write(reloaded)); // and writing is stable
        if (Environment.GetEnvironmentVariable("NETSIM_SHOW_YAML") == "1") Console.WriteLine(written);
    }

    [Fact]
    public void Generated_nodes_and_counted_services_stay_compact()
    {
        string written = ScenarioWriter.Write(ScenarioLoader.Parse(ScenarioLoaderTests.Valid.Replace("nodes: { count: 2 }", "nodes: { count: 200, racks: 3 }", StringComparison.Ordinal)
            .Replace("  - name: web\n", "  - name: web\n    count: 500\n", StringComparison.Ordinal).Replace("service:web:80", "service:web-7:80", StringComparison.Ordinal), "big.yaml"));
        Assert.Contains("count: 200", written, StringComparison.Ordinal);
        Assert.Contains("racks: 3", written, StringComparison.Ordinal);
        Assert.Contains("count: 500", written, StringComparison.Ordinal);
        Assert.DoesNotContain("web-499", written, StringComparison.Ordinal);
        Assert.True(written.Length < 4000, $"compact form expected, got {written.Length} characters");
        Assert.Equal(200, ScenarioLoader.Parse(written, "again.yaml").Cluster.Nodes.Count);
    }

    [Fact]
    public void Every_default_is_written_out()
    {
        string written = ScenarioWriter.Write(ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml"));
        foreach (string field in new[] { "pod_cidr: 10.244.0.0/16", "service_cidr: 10.96.0.0/12", "vxlan_port: 8472", "mode: iptables", "congestion: cubic", "port_buffer: 4MiB", "rate: 25Gbps" })
            Assert.Contains(field, written, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(25_000_000_000L, "25Gbps")]
    [InlineData(2_500_000_000L, "2500Mbps")]
    [InlineData(1234L, "1234bps")]
    public void Rates_are_written_exactly(long bps, string text) => Assert.Equal(text, ScenarioWriter.FormatRate(bps));

    /// <summary>Records compared field by field, lists item by item, dictionaries by sorted keys.</summary>
    private static void AssertDeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected} vs {actual}");
            return;
        }
        var type = expected.GetType();
        if (expected is string || type.IsPrimitive || type.IsEnum || expected is decimal || type.IsValueType)
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            return;
        }
        if (expected is IDictionary ed && actual is IDictionary ad)
        {
            var ek = ed.Keys.Cast<object>().Select(k => k.ToString()!).Order(StringComparer.Ordinal).ToList();
            var ak = ad.Keys.Cast<object>().Select(k => k.ToString()!).Order(StringComparer.Ordinal).ToList();
            Assert.True(ek.SequenceEqual(ak), $"{path}: keys {string.Join(",", ek)} vs {string.Join(",", ak)}");
            foreach (object k in ed.Keys) AssertDeepEqual(ed[k], ad[k], $"{path}[{k}]");
            return;
        }
        if (expected is IEnumerable ee && actual is IEnumerable ae)
        {
            var el = ee.Cast<object?>().ToList();
            var al = ae.Cast<object?>().ToList();
            Assert.True(el.Count == al.Count, $"{path}: {el.Count} items vs {al.Count}");
            for (int i = 0; i < el.Count; i++) AssertDeepEqual(el[i], al[i], $"{path}[{i}]");
            return;
        }
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            AssertDeepEqual(p.GetValue(expected), p.GetValue(actual), $"{path}.{p.Name}");
    }
}
