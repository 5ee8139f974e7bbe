using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Tests;

/// <summary>A temporary working directory with test scenarios, and netsim run in-process with a given runner.</summary>
internal sealed class CliHarness : IDisposable
{
    public const string Scenario = """
        name: overlay
        seed: 7
        duration: 100ms
        warmup: 10ms
        cluster:
          nodes: { count: 2, cores: 4 }
          nic: { rate: 10Gbps }
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
            count: 10
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
            to: service:web-0:80
        compare: [host, flannel-vxlan, calico-ipip]
        """;

    public CliHarness() => Dir = Directory.CreateTempSubdirectory("netsim-cli-").FullName;

    public string Dir { get; }

    public string Write(string name, string text)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string ScenarioFile => File.Exists(Path.Combine(Dir, "overlay.yaml")) ? Path.Combine(Dir, "overlay.yaml") : Write("overlay.yaml", Scenario);

    public string Out(string name) => Path.Combine(Dir, name);

    public static (int Code, string Stdout, string Stderr) Run(IScenarioRunner runner, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr, runner);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The bad-input contract: exit 2 and one "netsim: " line holding <paramref name="words"/>, no stack trace; returns the line.</summary>
    public static string AssertRefused(int code, string stderr, string words)
    {
        Assert.True(code == 2, $"exit {code}: {stderr}");
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("netsim: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(words, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        return lines[0];
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("NETSIM_KEEP_TEST_OUTPUT") != "1") Directory.Delete(Dir, recursive: true);
    }
}
