using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Tests;

public sealed class TraceCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Trace_prints_each_hop_with_what_it_did_and_where_the_time_went()
    {
        var runner = new FormulaRunner();
        var (code, stdout, stderr) = CliHarness.Run(runner, "trace", _h.ScenarioFile, "--from", "pod:client", "--to", "service:web-0", "--datapath", "flannel-vxlan");
        Assert.True(code == 0, stderr);
        foreach (string words in new[] { "1. SYN: 124 bytes on the wire", "2. SYN-ACK", "DNAT 10.96.0.10→10.244.1.5", "VXLAN encap VNI 1", "route lookup via 172.18.0.3",
                     "CPU or", "queue", "at", "total", "round trip:" })
            Assert.Contains(words, stdout, StringComparison.Ordinal);
        // Hops take 1, 2, 3, 4, 5 µs of CPU, 0.1 µs of queueing each, and the NIC 1.2 µs of wire: 15 + 0.5 + 1.2 = 16.7 µs one way.
        Assert.Contains("SYN: 16.700 µs one way = CPU 15.000 µs (90%), queueing 0.500 µs (3%), wire 1.200 µs (7%)", stdout, StringComparison.Ordinal);
        Assert.Contains("round trip: 33.400 µs", stdout, StringComparison.Ordinal);
        // The port defaults to the Service's.
        Assert.Equal(new TraceRequest(new EndpointRef(EndpointKind.Pod, "client", 0, null, null), new EndpointRef(EndpointKind.Service, "web-0", 0, null, null), 80, "tcp"),
            runner.LastTrace! with { SteadyState = false });
    }

    [Fact]
    public void Trace_writes_one_row_per_hop_with_out()
    {
        string outDir = _h.Out("out");
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner(), "trace", _h.ScenarioFile, "--from", "pod:client", "--to", "pod:server", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Equal("datapath,packet,what,hop,node,element,action,cpu_ns,queue_ns,wire_ns,latency_us", File.ReadLines(Path.Combine(outDir, "trace.csv")).First());
        var rows = CsvTable.Read<TraceHopRow>(Path.Combine(outDir, "trace.csv"));
        Assert.Equal(8, rows.Count); // host: no encapsulation hop, 4 hops per packet
        Assert.Equal(1100, rows[0].CpuNs + rows[0].QueueNs);
        Assert.Equal(1.1, rows[0].LatencyUs, 9);
        Assert.True(File.Exists(Path.Combine(outDir, "scenario.yaml")));
    }

    [Fact]
    public void The_port_defaults_to_the_destination_workloads_container_port()
    {
        var runner = new FormulaRunner();
        Assert.Equal(0, CliHarness.Run(runner, "trace", _h.ScenarioFile, "--from", "node:node1", "--to", "pod:server").Code);
        Assert.Equal(8080, runner.LastTrace!.Port);
        Assert.Equal(0, CliHarness.Run(runner, "trace", _h.ScenarioFile, "--from", "pod:client", "--to", "pod:server", "--protocol", "icmp").Code);
        Assert.Equal((ushort)0, runner.LastTrace!.Port);
        Assert.Equal("icmp", runner.LastTrace!.Protocol);
    }
}
