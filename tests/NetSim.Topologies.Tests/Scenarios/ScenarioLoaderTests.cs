using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Scenarios;

public class ScenarioLoaderTests
{
    internal const string Valid = """
        name: two-nodes
        seed: 7
        duration: 500ms
        warmup: 50ms
        cluster:
          nodes: { count: 2 }
          nic: { rate: 25Gbps, mtu: 1500 }
        cni:
          datapath: flannel-vxlan
        workloads:
          - name: client
            placement: pinned
            nodes: [node1]
          - name: server
            placement: pinned
            nodes: [node2]
            ports: [{ name: http, port: 8080 }]
        services:
          - name: web
            selector: { app: server }
            ports: [{ port: 80, target_port: http }]
        traffic:
          - name: stream
            kind: bulk
            from: pod:client
            to: pod:server
          - name: rr
            kind: rr
            from: pod:client
            to: service:web:80
        compare: [host, flannel-vxlan, calico-bgp]
        """;

    [Fact]
    public void A_valid_scenario_loads_with_defaults_filled_in()
    {
        var s = ScenarioLoader.Parse(Valid, "two.yaml");
        Assert.Equal(7UL, s.Seed);
        Assert.Equal(SimTime.Parse("500ms"), s.Duration);
        Assert.Equal(2, s.Cluster.Nodes.Count);
        Assert.Equal(25_000_000_000L, s.Cluster.Nodes[1].Nic.RateBps);
        Assert.Equal(NicSpec.DefaultRxRing, s.Cluster.Nodes[1].Nic.RxRing);
        Assert.Equal("10.244.0.0/16", s.Cluster.PodCidr.ToString());
        Assert.Equal("10.96.0.0/12", s.Cluster.ServiceCidr.ToString());
        Assert.Equal(8472, s.Cni.VxlanPort);
        Assert.Equal("iptables", s.KubeProxy.Mode);
        Assert.Equal("cubic", s.Traffic[0].Congestion);
        Assert.Equal(1, s.Traffic[1].RequestSize);
        Assert.Equal(new EndpointRef(EndpointKind.Service, "web", 80, null, null), s.Traffic[1].To);
        Assert.Equal(["host", "flannel-vxlan", "calico-bgp"], s.CompareDatapaths);
    }

    [Fact]
    public void Set_overrides_any_field_by_path()
    {
        var s = ScenarioLoader.Parse(Valid, "two.yaml", ["duration=2s", "cluster.nodes.count=4", "traffic[0].streams=3", "cni.datapath=calico-ipip"]);
        Assert.Equal(SimTime.FromSeconds(2), s.Duration);
        Assert.Equal(4, s.Cluster.Nodes.Count);
        Assert.Equal(3, s.Traffic[0].Streams);
        Assert.Equal("calico-ipip", s.Cni.Datapath);
        Assert.Equal("192.168.0.0/16", s.Cluster.PodCidr.ToString()); // the datapath's own default follows it
    }

    [Fact]
    public void Generated_services_count_up_names_and_node_ports()
    {
        var s = ScenarioLoader.Parse(Valid.Replace("  - name: web\n    selector", "  - name: web\n    count: 3\n    type: NodePort\n    selector", StringComparison.Ordinal)
            .Replace("[{ port: 80, target_port: http }]", "[{ port: 80, target_port: http, node_port: 30100 }]", StringComparison.Ordinal)
            .Replace("service:web:80", "service:web-2:80", StringComparison.Ordinal), "two.yaml");
        Assert.Equal(["web-0", "web-1", "web-2"], s.Services.Select(v => v.Name));
        Assert.Equal([30100, 30101, 30102], s.Services.Select(v => v.Ports[0].NodePort));
    }

    public static TheoryData<string, string, int, string, string> BadScenarios => new()
    {
        // (what to change, replacement, expected line, expected field, expected words in the message)
        { "  datapath: flannel-vxlan", "  datapath: flannel-vxlam", 9, "cni.datapath", "did you mean 'flannel-vxlan'" },
        { "warmup: 50ms", "warmup: 50ms\nwarmpu: 1s", 5, "warmpu", "unknown field (did you mean 'warmup'" },
        { "  nic: { rate: 25Gbps, mtu: 1500 }", "  nic: { rate: 25Gbps, mtu: 1500 }\n  service_cidr: 10.244.128.0/17", 8, "cluster.service_cidr", "overlaps cluster.pod_cidr" },
        { "duration: 500ms", "duration: 500 parsecs", 3, "duration", "unknown unit" },
        { "    nodes: [node2]", "    nodes: [node9]", 16, "workloads[1].nodes", "node 'node9' does not exist" },
        { "    selector: { app: server }", "    selector: { app: nobody }", 20, "services[0].selector", "selects no pods" },
        { "    to: service:web:80", "    to: service:db:80", 30, "traffic[1].to", "no Service named db" },
        { "  nodes: { count: 2 }", "  nodes: { count: 2 }\n  max_pods: 0", 7, "cluster.max_pods", "out of range" },
        { "  - name: client\n", "  - name: client\n    replicas: 120\n", 12, "workloads[0].replicas", "more than max_pods 110" },
        { "  datapath: flannel-vxlan", "  datapath: flannel-host-gw\ncluster2: 1", 10, "cluster2", "unknown field" },
        { "[{ port: 80, target_port: http }]", "[{ port: 80, target_port: http, node_port: 30080 }]", 21, "services[0].ports[0].node_port", "only a NodePort or LoadBalancer Service" },
        { "    kind: rr", "    kind: rpc", 28, "traffic[1].kind", "is not one of" },
        { "  nic: { rate: 25Gbps, mtu: 1500 }", "  nic: { rate: 25Gbps, mtu: 1500, driver: mlx4 }", 7, "cluster.nic.driver", "did you mean 'mlx5'" },
        { "    from: pod:client\n    to: pod:server", "    from: pod:client\n    to: pod:ghost", 26, "traffic[0].to", "no pod named ghost" },
    };

    [Theory]
    [MemberData(nameof(BadScenarios))]
    public void Each_invalid_scenario_names_file_line_and_field(string find, string replace, int line, string field, string words)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Valid.Replace(find, replace, StringComparison.Ordinal), "bad.yaml"));
        Assert.Equal("bad.yaml", e.File);
        Assert.Equal(field, e.Field);
        Assert.Contains(words, e.Problem, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"bad.yaml:{line}: {field}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_gw_on_a_multi_rack_leaf_spine_is_refused()
    {
        string yaml = Valid.Replace("  nic: { rate: 25Gbps, mtu: 1500 }", "  nic: { rate: 25Gbps, mtu: 1500 }\n  fabric: { type: leaf-spine, racks: 2 }", StringComparison.Ordinal)
            .Replace("datapath: flannel-vxlan", "datapath: flannel-host-gw", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, "lf.yaml"));
        Assert.Equal("cni.datapath", e.Field);
        Assert.Contains("shared L2", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse("name: x\ncluster: [unclosed\n", "y.yaml"));
        Assert.Equal("y.yaml", e.File);
        Assert.True(e.Line >= 2);
        Assert.Contains("not valid YAML", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_of_an_unknown_field_is_reported()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Valid, "two.yaml", ["cluster.nodez=3"]));
        Assert.Equal("cluster.nodez", e.Field);
    }

    [Fact]
    public void Missing_file_is_a_clear_error() =>
        Assert.Contains("file not found", Assert.Throws<InputException>(() => ScenarioLoader.Load("/nonexistent/x.yaml")).Message, StringComparison.Ordinal);

    [Fact]
    public void Nodelay_is_read_for_tcp_kinds_written_back_and_refused_where_unused()
    {
        var s = ScenarioLoader.Parse(Valid.Replace("to: service:web:80", "to: service:web:80\n    nodelay: true", StringComparison.Ordinal));
        Assert.True(s.Traffic.Single(t => t.Name == "rr").NoDelay);
        Assert.False(s.Traffic.Single(t => t.Name == "stream").NoDelay);
        Assert.True(ScenarioLoader.Parse(ScenarioWriter.Write(s)).Traffic.Single(t => t.Name == "rr").NoDelay);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Valid, "s.yaml", ["traffic[0].protocol=udp", "traffic[0].rate=1Gbps", "traffic[0].nodelay=true"]));
        Assert.Contains("nodelay", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not used by bulk over UDP", e.Message, StringComparison.Ordinal);
    }
}
