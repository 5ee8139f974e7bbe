using System.Text.RegularExpressions;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Tests;

/// <summary>
/// The headless group of scenarios/service-types.yaml through the real netsim command: it completes transactions,
/// and its trace shows the lookup through kube-dns (DNAT'd to a CoreDNS pod) and then a connection straight to the
/// api pod's own address, with no DNAT anywhere on the connection's path.
/// </summary>
public sealed class HeadlessBundledScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-headless-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ServiceTypes => Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "service-types.yaml");

    [Fact]
    public void The_headless_group_of_service_types_completes_transactions()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run", ServiceTypes, "--set", "duration=30ms", "--no-charts", "--out", _dir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var headless = CsvTable.Read<GroupSummary>(Path.Combine(_dir, "summary.csv")).Single(g => g.Group == "headless");
        Assert.True(headless.TransactionsPerSecond > 1000, $"{headless.TransactionsPerSecond} transactions/s");
        Assert.Equal(0, headless.DnsTimeouts);
        Assert.Equal(0, headless.ConnectFailures);
    }

    [Fact]
    public void The_headless_trace_connects_to_the_pod_address_with_no_DNAT_on_the_path()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", ServiceTypes, "--from", "pod:client", "--to", "dns:api-headless");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("10.96.0.10:53→", stdout, StringComparison.Ordinal); // the lookup: kube-dns DNAT'd to a CoreDNS pod
        int tcp = stdout.IndexOf(". TCP ", StringComparison.Ordinal);
        Assert.True(tcp > 0, $"no connection after the lookup:\n{stdout}");
        string connection = stdout[tcp..];
        // The client's packets go to the api pod itself (node2's pod CIDR, the Service's port) and nothing rewrites them.
        Assert.Matches(new Regex(@"\. TCP [A-Z+]+ 10\.244\.0\.\d+:\d+ → 10\.244\.1\.\d+:8080"), connection);
        Assert.DoesNotContain("DNAT", connection, StringComparison.Ordinal);
        Assert.DoesNotContain("10.96.", connection, StringComparison.Ordinal);
    }
}
