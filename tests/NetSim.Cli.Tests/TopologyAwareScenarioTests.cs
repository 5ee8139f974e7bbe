using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Tests;

/// <summary>
/// scenarios/topology-aware.yaml through the real netsim command: with both Services hinted (PreferClose) only the
/// zone-a backends (api-0 on node1, api-3 on node4) receive the zone-a client's packets; as bundled, the plain Service
/// sends some of them to zones b and c.
/// </summary>
public sealed class TopologyAwareScenarioTests : IDisposable
{
    private static readonly string[] ZoneA = ["pod/api-0/ip_rcv", "pod/api-3/ip_rcv"];

    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-topology-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void With_PreferClose_every_connection_stays_in_zone_a_and_without_it_some_leave()
    {
        var hinted = Received("close", "services[0].traffic_distribution=PreferClose");
        Assert.All(ZoneA, e => Assert.True(hinted.GetValueOrDefault(e) > 0, e));
        Assert.All(hinted, kv => Assert.True(ZoneA.Contains(kv.Key) || kv.Value == 0, $"{kv.Key} received {kv.Value}"));

        var mixed = Received("plain");
        Assert.True(mixed.Where(kv => !ZoneA.Contains(kv.Key)).Sum(kv => kv.Value) > 0, string.Join(", ", mixed));
    }

    /// <summary>Packets each api pod's ip_rcv handled in a 30 ms run (hops.csv), by element.</summary>
    private Dictionary<string, long> Received(string name, params string[] sets)
    {
        string outDir = Path.Combine(_dir, name);
        var args = new List<string> { "run", Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "topology-aware.yaml"), "--set", "duration=30ms", "--no-charts", "--out", outDir };
        foreach (string s in sets) args.AddRange(["--set", s]);
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim([.. args]);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        return CsvTable.Read<HopRow>(Path.Combine(outDir, "hops.csv"))
            .Where(h => h.Element.StartsWith("pod/api-", StringComparison.Ordinal) && h.Element.EndsWith("/ip_rcv", StringComparison.Ordinal))
            .ToDictionary(h => h.Element, h => h.Packets);
    }
}
