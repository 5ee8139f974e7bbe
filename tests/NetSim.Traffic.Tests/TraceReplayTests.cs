using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Tests.Harness;

namespace NetSim.Traffic.Tests;

public class TraceReplayTests
{
    private const string File = "trace.csv";

    private static (TwoHosts Net, Func<string, TrafficEndpoint?> Resolve) Setup()
    {
        var net = new TwoHosts(new LinkSpec { Costs = TestProfiles.Standard });
        var endpoints = new Dictionary<string, TrafficEndpoint>
        {
            ["client"] = new("client", net.TransportA, TwoHosts.AddressA),
            ["server"] = new("server", net.TransportB, TwoHosts.AddressB),
        };
        return (net, name => endpoints.GetValueOrDefault(name));
    }

    [Fact]
    public void Rows_start_exactly_at_their_times_and_complete()
    {
        const string csv = """
            start,source,destination,protocol,port,bytes,request,response
            # one-way flow, request/response, a UDP burst, two rows at the same instant, a picosecond-precise time
            0s,client,server,tcp,80,5000,,
            1.5ms,client,server,tcp,80,,300,70000
            1.5ms,server,client,udp,9000,4000,,
            2.000000001ms,client,server,tcp,443,,1,1
            10ms,client,server,tcp,80,1000000,,
            """;
        var (net, resolve) = Setup();
        IReadOnlyList<TraceRecord> rows = TraceReader.Read(new StringReader(csv), File);
        Assert.Equal(5, rows.Count);
        var replay = new TraceReplayer(rows, resolve, new TransactionDirectory(), net.Flows, File);
        replay.Start();
        net.RunFor(SimTime.FromMilliseconds(100));

        long[] expected = [0, 1_500_000_000, 1_500_000_000, 2_000_000_001, 10_000_000_000];
        Assert.Equal(expected, replay.Started.Select(s => s.StartedPs).ToArray());
        Assert.Equal(new[] { 3, 4, 5, 6, 7 }, replay.Started.Select(s => s.Line).ToArray());
        var tcpFlowStarts = replay.Metrics.FlowIds.Select(id => net.Flows[id]).Where(f => f.Protocol == "tcp").Select(f => f.StartPs);
        Assert.Equal(new[] { expected[0], expected[1], expected[3], expected[4] }, tcpFlowStarts.ToArray());
        Assert.Equal(4, replay.Metrics.Transactions);
        Assert.Equal(4000, replay.Sinks.Single().BytesReceived);
        Assert.Equal(3, replay.Sinks.Single().DatagramsReceived); // 1472 + 1472 + 1056
        net.AssertConservation();
    }

    [Theory]
    [InlineData("0s,client,server,tcp,99999,10,,", 3, "port")]
    [InlineData("5,client,server,tcp,80,10,,", 3, "start")]
    [InlineData("1ms,client,server,sctp,80,10,,", 3, "protocol")]
    [InlineData("1ms,client,server,tcp,80,ten,,", 3, "bytes")]
    [InlineData("1ms,client,server,tcp,80,10,5,", 3, "bytes")]
    [InlineData("1ms,client,server,udp,80,,5,", 3, "request")]
    [InlineData("1ms,client,server,tcp,80,,,", 3, "request")]
    [InlineData("1ms,client,,tcp,80,10,,", 3, "destination")]
    public void A_malformed_row_names_its_line_and_field(string badRow, int line, string field)
    {
        string csv = "start,source,destination,protocol,port,bytes,request,response\n0s,client,server,tcp,80,1,,\n" + badRow + "\n";
        var e = Assert.Throws<InputException>(() => TraceReader.Read(new StringReader(csv), File));
        Assert.Equal(File, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
        Assert.StartsWith($"{File}:{line}: {field}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_column_and_an_unknown_endpoint_are_input_errors()
    {
        var missing = Assert.Throws<InputException>(() => TraceReader.Read(new StringReader("start,source,protocol,port,bytes\n"), File));
        Assert.Equal((1, "destination"), (missing.Line, missing.Field));

        var (net, resolve) = Setup();
        var rows = TraceReader.Read(new StringReader("start,source,destination,protocol,port,bytes\n0s,client,server,tcp,80,1\n\n1s,client,nowhere,tcp,80,1\n"), File);
        var unknown = Assert.Throws<InputException>(() => new TraceReplayer(rows, resolve, new TransactionDirectory(), net.Flows, File));
        Assert.Equal((4, "destination"), (unknown.Line, unknown.Field));
    }

    [Fact]
    public void A_trace_file_is_read_from_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netsim-trace-{Guid.NewGuid():N}.csv");
        System.IO.File.WriteAllText(path, "start,source,destination,protocol,port,request,response\n250us,client,server,tcp,80,10,20\n");
        try
        {
            TraceRecord row = Assert.Single(TraceReader.ReadFile(path));
            Assert.Equal(new TraceRecord(250_000_000, "client", "server", StreamProtocol.Tcp, 80, 10, 20, 2), row);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
        var e = Assert.Throws<InputException>(() => TraceReader.ReadFile(path + ".missing"));
        Assert.Contains("cannot read the trace", e.Message, StringComparison.Ordinal);
    }
}
