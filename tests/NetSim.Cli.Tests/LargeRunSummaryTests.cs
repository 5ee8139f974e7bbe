using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Tests;

/// <summary>netsim run's console with many traffic groups: the top groups and the totals, every row still in the CSV; the whole command's wall time by phase.</summary>
public sealed partial class LargeRunSummaryTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>40 request/response groups (no throughput), then 5 streams: the streams have all the throughput.</summary>
    private string ManyGroups()
    {
        var y = new StringBuilder(CliHarness.Scenario[..CliHarness.Scenario.IndexOf("traffic:", StringComparison.Ordinal)]);
        y.Append("traffic:\n");
        for (int i = 0; i < 40; i++) y.Append(CultureInfo.InvariantCulture, $"  - {{ name: rr-{i:D3}, kind: rr, from: pod:client, to: pod:server }}\n");
        for (int i = 0; i < 5; i++) y.Append(CultureInfo.InvariantCulture, $"  - {{ name: stream-{i}, kind: bulk, from: pod:client, to: pod:server }}\n");
        return _h.Write("many.yaml", y.ToString());
    }

    [Fact]
    public void A_run_with_more_groups_than_a_screen_prints_the_top_groups_and_totals_and_the_csv_keeps_every_row()
    {
        string outDir = _h.Out("out");
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "run", ManyGroups(), "--out", outDir, "--no-charts");
        Assert.True(code == 0, stderr);
        string text = Spaced().Replace(stdout, " "); // titles and lines wrap on a narrow console
        Assert.Contains("traffic: the 10 groups with the most throughput of 45", text, StringComparison.Ordinal);
        // The five streams lead (they are last in the file), then the first five request/response groups; no others.
        for (int i = 0; i < 5; i++) Assert.Contains($"stream-{i}", stdout, StringComparison.Ordinal);
        var rrShown = RrName().Matches(stdout).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["rr-000", "rr-001", "rr-002", "rr-003", "rr-004", "rr-005", "rr-006", "rr-007", "rr-008", "rr-009"], rrShown); // 5 in traffic, 10 in latency
        Assert.DoesNotContain("rr-039", stdout, StringComparison.Ordinal);
        Assert.Contains("latency per transaction (µs): the 10 groups with the longest p99 of 40", text, StringComparison.Ordinal);
        Assert.Contains("all 45", stdout, StringComparison.Ordinal);
        Assert.Contains("all 40", stdout, StringComparison.Ordinal);
        Assert.Contains($"35 more groups are in {Path.Combine(outDir, "summary.csv")} and flows.csv", text, StringComparison.Ordinal);

        // The totals row is the sum of every group's throughput, as summary.csv has it.
        var summary = CsvTable.Read<GroupSummary>(Path.Combine(outDir, "summary.csv"));
        Assert.Equal(45, summary.Count);
        Assert.Equal(45, CsvTable.Read<FlowRow>(Path.Combine(outDir, "flows.csv")).Count);
        string total = NetSim.Cli.Reports.Fmt.Number(summary.Sum(s => s.GoodputGbps));
        Assert.Matches($@"│ all 45 +│ +│ +│ +{Regex.Escape(total)} │", stdout);
    }

    [Fact]
    public void A_run_with_a_screenful_of_groups_lists_them_all()
    {
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile);
        Assert.True(code == 0, stderr);
        Assert.Matches(@"(?m)^ *traffic *$", stdout); // the plain title: every group is listed
        Assert.Contains("stream", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("more groups are in", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wall_line_covers_the_whole_command_phase_by_phase()
    {
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "run", ManyGroups(), "--out", _h.Out("out"));
        Assert.True(code == 0, stderr);
        var m = WallLine().Match(Spaced().Replace(stdout, " "));
        Assert.True(m.Success, stdout);
        double[] phases = [.. Enumerable.Range(2, 5).Select(i => double.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture))];
        double total = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.All(phases, p => Assert.True(p >= 0));
        Assert.Equal(total, phases.Sum(), 0.01); // the phases add up to the whole (each printed to 3 decimals)
        Assert.True(phases[4] > 0, "writing the CSV files and charts is reported");
    }

    /// <summary>Runs of spaces and line breaks (a long line wraps on a narrow console), as one space.</summary>
    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaced();

    [GeneratedRegex(@"rr-\d{3}")]
    private static partial Regex RrName();

    [GeneratedRegex(@"wall: ([\d.]+) s for the whole command: parse and check ([\d.]+) s, build ([\d.]+) s, run ([\d.]+) s, collect ([\d.]+) s, report ([\d.]+) s")]
    private static partial Regex WallLine();
}
