namespace NetSim.Cli.Tests;

/// <summary>
/// services[].external_ips and manifests' spec.externalIPs on the command line: an address inside the cluster's own
/// ranges is refused before anything runs (exit 2, one line naming file, line and field, no --out).
/// </summary>
public sealed class ExternalIpCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Scenario(string ips) => $$"""
        name: extip
        seed: 1
        duration: 20ms
        cluster:
          nodes: { count: 2 }
          external_network: 203.0.113.0/24
        workloads:
          - { name: api, ports: [{ port: 8080 }] }
        services:
          - name: api
            selector: { app: api }
            ports: [{ port: 80, target_port: 8080 }]
            external_ips: {{ips}}
        traffic:
          - { name: in, kind: rr, from: external:web, to: externalip:api }
        """;

    [Theory]
    [InlineData("[10.244.3.3]", "cluster.pod_cidr 10.244.0.0/16")]
    [InlineData("[10.96.0.99]", "cluster.service_cidr 10.96.0.0/12")]
    [InlineData("[not-an-ip]", "'not-an-ip' is not an IPv4 address")]
    public void An_external_ip_inside_the_cluster_is_exit_2_naming_file_line_and_field(string ips, string words)
    {
        string file = _h.Write("extip.yaml", Scenario(ips));
        string output = _h.Out("results");
        var runner = new FormulaRunner();
        var (code, _, stderr) = CliHarness.Run(runner, "run", file, "--out", output);
        string line = CliHarness.AssertRefused(code, stderr, words);
        Assert.Contains("extip.yaml:13: services[0].external_ips:", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.Equal(0, runner.Runs);
    }

    [Fact]
    public void A_manifests_externalIPs_inside_the_pod_cidr_is_refused_at_its_field()
    {
        _h.Write("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: { name: api }
            spec:
              selector: { app: api }
              ports: [{ port: 80, targetPort: 8080 }]
              externalIPs: [10.244.0.9]
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
        string line = CliHarness.AssertRefused(code, stderr, "cluster.pod_cidr");
        Assert.Contains("svc.yaml", line, StringComparison.Ordinal);
        Assert.Contains("spec.externalIPs", line, StringComparison.Ordinal);
    }
}
