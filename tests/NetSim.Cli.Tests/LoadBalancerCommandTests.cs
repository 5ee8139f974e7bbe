namespace NetSim.Cli.Tests;

/// <summary>
/// type LoadBalancer on the command line: `netsim trace` over every target of scenarios/service-types.yaml under each
/// load-balancer implementation, and the refusals (exit 2, one line naming file, line and field) of an implementation
/// the cluster cannot hold and of a manifest's LoadBalancer that asks for what NetSim does not model.
/// </summary>
public sealed class LoadBalancerCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string ServiceTypes => Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "service-types.yaml");

    [Theory]
    [InlineData("metallb-l2", "external:web", "lb:api-lb", "198.18.0.0:80")]
    [InlineData("metallb-bgp", "external:web", "lb:api-lb", "198.18.0.0:80")]
    [InlineData("cloud", "external:web", "lb:api-lb", "198.18.0.0:80")]
    [InlineData("metallb-l2", "external:web", "nodeport:api-nodeport@node1", "DNAT")]
    [InlineData("metallb-l2", "external:web", "externalip:api-extip", "192.0.2.10:80")]
    [InlineData("metallb-l2", "pod:client", "service:api", "DNAT")]
    public void Trace_follows_each_service_type_of_the_bundled_comparison(string lb, string from, string to, string seen)
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", ServiceTypes, "--set", $"cluster.load_balancer={lb}", "--from", from, "--to", to);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains($"trace {from} → {to}", stdout, StringComparison.Ordinal);
        Assert.Contains(seen, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cloud_balancer_rewrites_at_the_gateway_to_a_nodes_node_port()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", ServiceTypes, "--set", "cluster.load_balancer=cloud", "--from", "external:web", "--to", "lb:api-lb");
        Assert.True(code == 0, stderr);
        int gateway = stdout.IndexOf("│ gateway ", StringComparison.Ordinal);
        int dnat = stdout.IndexOf("198.18.0.0:80→172.18.", StringComparison.Ordinal);
        Assert.True(gateway >= 0 && dnat > gateway, stdout);
    }

    [Fact]
    public void Metallb_bgp_on_one_switch_is_exit_2_at_the_load_balancer_field()
    {
        var runner = new FormulaRunner();
        var (code, _, stderr) = CliHarness.Run(runner, "run", ServiceTypes, "--set", "cluster.load_balancer=metallb-bgp", "--set", "cluster.fabric.type=single-switch",
            "--set", "cluster.nodes.racks=1", "--out", _h.Out("r"));
        string line = CliHarness.AssertRefused(code, stderr, "leaf-spine");
        // The value came from --set, so the error is located there (as every override's is).
        Assert.Contains("--set cluster.load_balancer=metallb-bgp: cluster.load_balancer:", line, StringComparison.Ordinal);
        Assert.Equal(0, runner.Runs);
    }

    [Fact]
    public void A_manifest_load_balancer_with_source_ranges_is_refused_at_its_field()
    {
        _h.Write("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: { name: api }
            spec:
              type: LoadBalancer
              selector: { app: api }
              ports: [{ port: 80, targetPort: 8080 }]
              loadBalancerSourceRanges: [198.51.100.0/24]
            """);
        _h.Write("deploy.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: api }
            spec:
              replicas: 1
              selector: { matchLabels: { app: api } }
              template:
                metadata: { labels: { app: api } }
                spec: { containers: [{ name: api, image: api, ports: [{ containerPort: 8080 }] }] }
            """);
        string file = _h.Write("m.yaml", "name: m\nseed: 1\nduration: 20ms\ncluster: { nodes: { count: 2 } }\nmanifests: [svc.yaml, deploy.yaml]\n");
        var runner = new FormulaRunner();
        var (code, _, stderr) = CliHarness.Run(runner, "validate", file);
        string line = CliHarness.AssertRefused(code, stderr, "loadBalancerSourceRanges");
        Assert.Contains("svc.yaml", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_load_balancer_is_read_with_an_allocated_node_port_and_address()
    {
        _h.Write("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: { name: api }
            spec:
              type: LoadBalancer
              externalTrafficPolicy: Local
              selector: { app: api }
              ports: [{ port: 80, targetPort: 8080 }]
            """);
        _h.Write("deploy.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: api }
            spec:
              replicas: 1
              selector: { matchLabels: { app: api } }
              template:
                metadata: { labels: { app: api } }
                spec: { containers: [{ name: api, image: api, ports: [{ containerPort: 8080 }] }] }
            """);
        string file = _h.Write("m.yaml", "name: m\nseed: 1\nduration: 20ms\ncluster: { nodes: { count: 2 } }\nmanifests: [svc.yaml, deploy.yaml]\n");
        var s = NetSim.Topologies.Scenarios.ScenarioLoader.Load(file);
        var svc = Assert.Single(s.Services);
        Assert.InRange(svc.Ports[0].NodePort, 30128, 32767);
        Assert.InRange(svc.HealthCheckNodePort, 30128, 32767);
        Assert.Equal([NetSim.Engine.Addressing.Ipv4Address.Parse("198.18.0.0")], svc.LoadBalancerIngress);
    }
}
