using System.Globalization;
using BenchmarkDotNet.Attributes;
using NetSim.Cli;
using NetSim.Cli.CommandLine;

namespace NetSim.Bench;

/// <summary>
/// Issue 20's hot-path target: one 10 Gbit/s TCP stream between two nodes for one simulated second, host networking
/// and flannel-vxlan, through the real `netsim run` command line in process (parse, check, build, run, collect, print
/// the summary to a null console; no charts). Faster than real time means under 1 s per invocation.
/// </summary>
[MemoryDiagnoser]
public class SingleStreamCliBenchmarks
{
    private string _file = "";

    [Params("host", "flannel-vxlan")]
    public string Datapath { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), $"netsim-stream-{Datapath}-{Environment.ProcessId}.yaml");
        File.WriteAllText(_file, Scenario(Datapath, "1s"));
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_file);

    [Benchmark]
    public int NetsimRunOneSimulatedSecond()
    {
        int code = NetsimApp.Run(["run", _file, "--no-charts"], TextWriter.Null, TextWriter.Null, RunnerFactory.Create());
        return code == 0 ? code : throw new InvalidOperationException($"netsim run exited {code}");
    }

    /// <summary>Two nodes on 10 GbE (MTU 1500), a client pod on node1 streaming to a server pod on node2 for the whole run.</summary>
    public static string Scenario(string datapath, string duration) => string.Create(CultureInfo.InvariantCulture, $$"""
        name: stream-10g-{{datapath}}
        seed: 1
        duration: {{duration}}
        cluster:
          nodes: { count: 2, cores: 8 }
          nic: { rate: 10Gbps, mtu: 1500 }
        cni: { datapath: {{datapath}} }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server }

        """);
}
