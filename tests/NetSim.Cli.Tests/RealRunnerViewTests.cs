using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Tests;

/// <summary>The defects issue 14 and issue 12 (item 8) list, each checked on the real cluster runner.</summary>
public sealed class RealRunnerViewTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Scenario(string name) => Path.Combine(CalibrateCommandTests.Repo(), "scenarios", name);

    private static (int Code, string Stdout, string Stderr) Netsim(params string[] args) => CliHarness.Run(RunnerFactory.Create(), args);

    [Fact]
    public void Run_trace_and_the_budget_tell_one_latency()
    {
        string outDir = _h.Out("run");
        string[] sets = ["--set", "duration=40ms", "--set", "traffic[0].duration=10ms", "--set", "traffic[1].start=15ms"];
        var run = Netsim(["run", Scenario("overlay-overhead.yaml"), "--datapath", "flannel-vxlan", "--out", outDir, "--no-charts", .. sets]);
        Assert.True(run.Code == 0, run.Stderr);
        double mean = CsvTable.Read<LatencyRow>(Path.Combine(outDir, "latency.csv")).Single(l => l.Group == "rr" && l.Metric == "transaction").MeanUs;
        // The budget's bars add up to the measured mean.
        var budget = CsvTable.Read<BudgetRow>(Path.Combine(outDir, "budget.csv"));
        Assert.Equal(mean, budget.Sum(b => b.UsPerTransaction), 2);
        Assert.Contains(budget, b => b.Segment == "vxlan" && b.UsPerTransaction > 0);
        Assert.Contains(budget, b => b.Segment == "netfilter" && b.UsPerTransaction > 0);
        // trace traces a steady-state exchange: its round trip is the run's (the first, with its cold costs, is longer).
        var steady = Netsim(["trace", Scenario("overlay-overhead.yaml"), "--from", "pod:client", "--to", "pod:server", "--datapath", "flannel-vxlan", .. sets]);
        Assert.True(steady.Code == 0, steady.Stderr);
        double rtt = RoundTrip(steady.Stdout);
        Assert.True(Math.Abs(rtt - mean) / mean < 0.05, $"trace {rtt} µs, run mean {mean} µs");
        double first = RoundTrip(Netsim(["trace", Scenario("overlay-overhead.yaml"), "--from", "pod:client", "--to", "pod:server", "--datapath", "flannel-vxlan", "--first", .. sets]).Stdout);
        Assert.True(first > rtt, $"first {first} µs, steady {rtt} µs");
        // The walk in walk.csv is that exchange: request and response, hop by hop.
        var walk = CsvTable.Read<WalkRow>(Path.Combine(outDir, "walk.csv"));
        Assert.Contains(walk, w => w.Kind == "vxlan");
        Assert.Contains(walk, w => w.Kind == "wire" && w.WireNs > 0);
    }

    private static double RoundTrip(string stdout)
    {
        string line = stdout.Split('\n').Single(l => l.StartsWith("round trip: ", StringComparison.Ordinal));
        return double.Parse(line["round trip: ".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Trace_shows_the_rule_walk_nat_and_conntrack_as_hops_with_their_own_time()
    {
        string outDir = _h.Out("trace");
        var t = Netsim("trace", Scenario("kube-proxy-scale.yaml"), "--from", "pod:client", "--to", "service:target:80", "--set", "services[0].count=2000", "--first", "--out", outDir);
        Assert.True(t.Code == 0, t.Stderr);
        var hops = CsvTable.Read<TraceHopRow>(Path.Combine(outDir, "trace.csv"));
        var syn = hops.Where(h => h.Packet == 1).ToList();
        // The SYN walks KUBE-SERVICES past 2,000 Services in the nat table: that time is the DNAT hop's, not ip_rcv's.
        var nat = syn.Single(h => h.Node == "node1" && h.Element.EndsWith("nat PreRouting", StringComparison.Ordinal));
        Assert.StartsWith("DNAT 10.96.", nat.Action, StringComparison.Ordinal);
        Assert.Contains("rules walked", nat.Action, StringComparison.Ordinal);
        Assert.True(nat.CpuNs > 10_000, $"nat hop {nat.CpuNs} ns");
        Assert.All(syn.Where(h => h.Node == "node1" && h.Element.EndsWith("ip_rcv", StringComparison.Ordinal)), h => Assert.True(h.CpuNs < 1_000, $"{h.Element} {h.CpuNs} ns"));
        Assert.Contains(syn, h => h.Element.Contains("conntrack", StringComparison.Ordinal) && h.CpuNs > 0);
        Assert.Contains(syn, h => h.Element.Contains("/filter ", StringComparison.Ordinal) && h.Action.Contains("rules walked", StringComparison.Ordinal));
    }

    [Fact]
    public void A_replay_runs_end_to_end_with_a_completion_time_per_flow()
    {
        string outDir = _h.Out("replay");
        var r = Netsim("run", Scenario("trace-replay.yaml"), "--out", outDir, "--no-charts");
        Assert.True(r.Code == 0, r.Stderr + r.Stdout);
        var flows = CsvTable.Read<FlowRow>(Path.Combine(outDir, "flows.csv")).Where(f => f.Group == "web-mix").ToList();
        Assert.True(flows.Count(f => f.Protocol == "tcp") >= 10, $"{flows.Count} flows");
        Assert.All(flows.Where(f => f.Protocol == "tcp"), f => Assert.True(f.EndUs > f.StartUs && f.BytesDelivered > 0, $"flow {f.FlowId}"));
        Assert.Contains(flows, f => f.Protocol == "udp" && f.BytesDelivered > 0);
        Assert.Contains("replay web-mix: ", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Captures_stop_at_the_pcap_limit()
    {
        string outDir = _h.Out("pcap");
        var r = Netsim("run", Scenario("overlay-overhead.yaml"), "--set", "duration=35ms", "--set", "traffic[0].duration=25ms", "--set", "traffic[1].start=27ms",
            "--no-charts", "--out", outDir, "--pcap", "*/eth0", "--pcap-limit", "64KiB");
        Assert.True(r.Code == 0, r.Stderr);
        var files = Directory.GetFiles(Path.Combine(outDir, "pcap"));
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 64 * 1024, $"{f}: {new FileInfo(f).Length} bytes"));
        Assert.Contains("reached the size limit", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(100L * 1024 * 1024, Commands.RunCommand.DefaultPcapLimitBytes);
    }

    [Fact]
    public void A_dual_stack_conflist_is_rejected_at_validate()
    {
        _h.Write("10-containerd-net.conflist", """
            {
              "cniVersion": "1.0.0",
              "name": "containerd-net",
              "plugins": [
                { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "promiscMode": true,
                  "ipam": { "type": "host-local",
                            "ranges": [ [{ "subnet": "10.88.0.0/16" }], [{ "subnet": "2001:4860:4860::/64" }] ],
                            "routes": [ { "dst": "0.0.0.0/0" }, { "dst": "::/0" } ] } },
                { "type": "portmap", "capabilities": { "portMappings": true } }
              ]
            }
            """);
        string scenario = _h.Write("ds.yaml", "name: ds\nseed: 1\ncluster: { nodes: { count: 2 } }\ncni: { datapath: bridge, conflist: 10-containerd-net.conflist }\n" +
            "workloads:\n  - { name: a, placement: pinned, nodes: [node1] }\n");
        foreach (string command in new[] { "validate", "run" })
        {
            var (code, _, stderr) = Netsim(command, scenario);
            Assert.Equal(2, code);
            Assert.Contains("IPv6 range 2001:4860:4860::/64", stderr, StringComparison.Ordinal);
            Assert.Single(stderr.TrimEnd().Split('\n'));
        }
    }
}
