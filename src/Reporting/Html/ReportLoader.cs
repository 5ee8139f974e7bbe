using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Reporting.Html;

/// <summary>
/// Reads what netsim run, compare or sweep wrote to a directory (their CSV files and charts/) into a
/// <see cref="ReportData"/>; a directory without them is not a netsim output.
/// </summary>
public static partial class ReportLoader
{
    /// <summary>The datapaths a compare's report shows side by side when both ran (the overlay and the eBPF dataplane).</summary>
    public static readonly IReadOnlyList<string> SideBySide = ["flannel-vxlan", "cilium-ebpf"];

    /// <summary>The report of DIR, or null when DIR holds no run, compare or sweep results.</summary>
    public static ReportData? Load(string dir, string? commandLine)
    {
        string command = commandLine ?? FirstLine(Path.Combine(dir, "command.txt"));
        var charts = Charts(Path.Combine(dir, "charts"));
        if (File.Exists(Path.Combine(dir, "sweep.csv")))
        {
            var (header, rows) = CsvTable.ReadRaw(Path.Combine(dir, "sweep.csv"));
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
            var numeric = header.Select((h, i) => (h, i)).Where(x => x.h is "mean" or "ci_half_width" or "replications" or "point").Select(x => x.i).ToHashSet();
            return new ReportData("sweep", $"sweep {name}", command, [], [new ReportTable("sweep", "mean and 95% confidence half-width per point", header, rows) { NumericColumns = numeric }],
                [], [], Read<TopologyRow>(dir, "topology.csv"), charts);
        }
        if (!File.Exists(Path.Combine(dir, "run.csv"))) return null;
        var runs = Read<RunInfo>(dir, "run.csv");
        var walk = Read<WalkRow>(dir, "walk.csv");
        var topology = Read<TopologyRow>(dir, "topology.csv");
        var tables = new List<ReportTable>();
        var compare = Read<ComparisonRow>(dir, "compare.csv");
        string scenario = runs.Count > 0 ? runs[0].Scenario : "";
        if (compare.Count > 0) tables.AddRange(CompareTables(compare));
        else tables.Add(SummaryTable(dir));
        var budget = Read<BudgetRow>(dir, "budget.csv");
        if (budget.Count > 0) tables.Add(BudgetTable(budget));
        var drops = Read<DropRow>(dir, "drops.csv");
        if (drops.Count > 0)
            tables.Add(new ReportTable("drops", "drops by reason", ["datapath", "reason", "packets"],
                drops.Select(d => (IReadOnlyList<string>)[d.Datapath, d.Reason, d.Packets.ToString("#,0", CultureInfo.InvariantCulture)]).ToList()) { NumericColumns = new HashSet<int> { 2 } });
        var events = Read<EventRow>(dir, "events.csv");
        if (events.Count > 0)
            tables.Add(new ReportTable("events", "what changed in the cluster during the run, and when (events.csv)", ["datapath", "at (ms)", "kind", "target", "what"],
                events.Select(e => (IReadOnlyList<string>)[e.Datapath, e.AtMs.ToString("0.###", CultureInfo.InvariantCulture), e.Kind, e.Target, e.What]).ToList()) { NumericColumns = new HashSet<int> { 1 } });
        var walked = walk.Select(w => w.Datapath).Distinct(StringComparer.Ordinal).ToList();
        var shown = compare.Count == 0 ? walked.Take(1).ToList()
            : SideBySide.All(walked.Contains) ? SideBySide.ToList() : walked.Take(2).ToList();
        string kind = compare.Count > 0 ? "compare" : "run";
        string title = compare.Count > 0 ? $"{scenario}: {runs.Count} datapaths against {compare[0].Baseline}" : $"{scenario} over {runs.FirstOrDefault()?.Datapath}";
        return new ReportData(kind, title, command, runs, tables, shown, walk, topology, charts);
    }

    private static ReportTable SummaryTable(string dir)
    {
        var (header, rows) = CsvTable.ReadRaw(Path.Combine(dir, "summary.csv"));
        var numeric = Enumerable.Range(0, header.Count).Where(i => header[i] is not ("datapath" or "group" or "kind")).ToHashSet();
        return new ReportTable("summary", "traffic groups (empty: no such value, e.g. no latency for a stream)", header,
            rows.Select(r => (IReadOnlyList<string>)r.Select((c, i) => numeric.Contains(i) ? Number(c) : c).ToList()).ToList()) { NumericColumns = numeric };
    }

    /// <summary>Per traffic group a table with a row per datapath and a column per metric: the value and its change against the baseline.</summary>
    private static IEnumerable<ReportTable> CompareTables(IReadOnlyList<ComparisonRow> rows)
    {
        foreach (var group in rows.Select(r => r.Group).Distinct(StringComparer.Ordinal))
        {
            var mine = rows.Where(r => r.Group == group).ToList();
            var metrics = mine.Select(r => (r.Metric, r.Unit)).Distinct().Where(m => mine.Any(r => r.Metric == m.Metric && r.Value != 0)).ToList();
            var datapaths = mine.Select(r => r.Datapath).Distinct(StringComparer.Ordinal).ToList();
            var header = new List<string> { "datapath" };
            header.AddRange(metrics.Select(m => $"{m.Metric} ({m.Unit})"));
            var body = datapaths.Select(dp => (IReadOnlyList<string>)new[] { dp == mine[0].Baseline ? $"{dp} (baseline)" : dp }
                .Concat(metrics.Select(m => mine.FirstOrDefault(r => r.Datapath == dp && r.Metric == m.Metric) is { } r
                    ? Number(r.Value.ToString(CultureInfo.InvariantCulture)) + (dp == r.Baseline ? "" : $" ({Percent(r.RelativeChange)})") : "")).ToList()).ToList();
            yield return new ReportTable($"compare-{Slug(group)}", group == "(run)" ? "whole run" : $"traffic group {group}", header, body)
            {
                NumericColumns = Enumerable.Range(1, metrics.Count).ToHashSet(),
            };
        }
    }

    private static ReportTable BudgetTable(IReadOnlyList<BudgetRow> budget)
    {
        var segments = budget.Select(b => b.Segment).Distinct(StringComparer.Ordinal).ToList();
        var datapaths = budget.Select(b => b.Datapath).Distinct(StringComparer.Ordinal).ToList();
        var header = new List<string> { "datapath" };
        header.AddRange(segments);
        header.Add("total µs");
        var rows = datapaths.Select(dp => (IReadOnlyList<string>)new[] { dp }
            .Concat(segments.Select(s => budget.FirstOrDefault(b => b.Datapath == dp && b.Segment == s) is { } b ? b.UsPerTransaction.ToString("0.000", CultureInfo.InvariantCulture) : ""))
            .Append(budget.Where(b => b.Datapath == dp).Sum(b => b.UsPerTransaction).ToString("0.000", CultureInfo.InvariantCulture)).ToList()).ToList();
        return new ReportTable("budget", "latency budget per transaction (µs): where the measured mean round trip goes", header, rows)
        {
            NumericColumns = Enumerable.Range(1, segments.Count + 1).ToHashSet(),
        };
    }

    private static List<ReportChart> Charts(string dir)
    {
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, "*.svg").Order(StringComparer.Ordinal)
            .Select(f => new ReportChart(Path.GetFileNameWithoutExtension(f), Inline(File.ReadAllText(f)))).ToList();
    }

    /// <summary>A chart file's SVG as an inline element: no XML declaration, and a viewBox so that it scales to the page.</summary>
    public static string Inline(string svg)
    {
        string s = XmlDeclaration().Replace(svg, "").Trim();
        var m = RootSize().Match(s);
        if (m.Success && !s[..s.IndexOf('>', StringComparison.Ordinal)].Contains("viewBox", StringComparison.Ordinal))
            s = s.Insert(m.Index + "<svg".Length, $" viewBox=\"0 0 {m.Groups[1].Value} {m.Groups[2].Value}\"");
        return s;
    }

    private static List<T> Read<T>(string dir, string file) => File.Exists(Path.Combine(dir, file)) ? CsvTable.Read<T>(Path.Combine(dir, file)) : [];

    private static string FirstLine(string path) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault() ?? "" : "";

    private static string Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v.ToString(Math.Abs(v) >= 1000 ? "#,0" : Math.Abs(v) >= 100 ? "0.0" : Math.Abs(v) >= 10 ? "0.00" : Math.Abs(v) >= 0.01 || v == 0 ? "0.000" : "0.#####", CultureInfo.InvariantCulture)
            : text;

    private static string Percent(double change) =>
        double.IsNaN(change) ? "n/a" : (change >= 0 ? "+" : "") + (change * 100).ToString(Math.Abs(change) < 0.0995 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%";

    private static string Slug(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    [GeneratedRegex(@"^<\?xml[^>]*\?>")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex("<svg[^>]*?width=\"([0-9.]+)\"[^>]*?height=\"([0-9.]+)\"")]
    private static partial Regex RootSize();
}
