using NetSim.Reporting.Records;

namespace NetSim.Reporting.Html;

/// <summary>A table as the report shows it: a caption, column headers (which are right-aligned numbers) and text cells.</summary>
public sealed record ReportTable(string Id, string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public IReadOnlySet<int> NumericColumns { get; init; } = new HashSet<int>();
}

/// <summary>A chart inlined into the report: its caption and its SVG text.</summary>
public sealed record ReportChart(string Caption, string Svg);

/// <summary>
/// Everything one report.html shows: what ran (kind, title, command, each run's context), the tables, the walk of
/// one request/response per datapath shown, the cluster's devices, and the charts.
/// </summary>
public sealed record ReportData(
    string Kind,
    string Title,
    string CommandLine,
    IReadOnlyList<RunInfo> Runs,
    IReadOnlyList<ReportTable> Tables,
    IReadOnlyList<string> WalkDatapaths,
    IReadOnlyList<WalkRow> Walk,
    IReadOnlyList<TopologyRow> Topology,
    IReadOnlyList<ReportChart> Charts);
