using System.Globalization;
using System.Text;
using NetSim.Reporting.Records;

namespace NetSim.Reporting.Html;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) with a run's, a compare's
/// or a sweep's context, tables, packet walk, topology and charts. Same inputs, same bytes.
/// </summary>
public static class HtmlReport
{
    public static string Render(ReportData d)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{E(d.Title)}</title>\n<style>{Css}</style>\n</head>\n<body>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<header><h1>{E(d.Title)}</h1><p class=\"kind\">netsim {E(d.Kind)} report</p>");
        if (d.CommandLine.Length > 0) sb.Append(CultureInfo.InvariantCulture, $"<pre class=\"command\">{E(d.CommandLine)}</pre>");
        sb.Append("</header>\n<nav>");
        foreach (var (id, name) in Sections(d)) sb.Append(CultureInfo.InvariantCulture, $"<a href=\"#{id}\">{E(name)}</a> ");
        sb.Append("</nav>\n");

        if (d.Runs.Count > 0) Table(sb, Context(d.Runs));
        sb.Append("<section id=\"tables\"><h2>Results</h2>\n");
        foreach (var t in d.Tables) Table(sb, t);
        sb.Append("</section>\n");

        if (d.WalkDatapaths.Count > 0)
        {
            sb.Append("<section id=\"walk\"><h2>One request/response, hop by hop</h2>\n");
            sb.Append("<p>Each bar is a hop: the element on that node (or the wire) working on the packet, as long as it took " +
                      "(CPU, waiting for a busy core, or serialization and propagation). Gaps are waiting: interrupt moderation, " +
                      "wake-ups, delayed ACKs. Hover over a bar for what the element did.</p>\n<div class=\"side-by-side\">\n");
            foreach (string dp in d.WalkDatapaths)
                sb.Append("<figure>").Append(WalkDiagram.Draw(dp, d.Walk.Where(w => w.Datapath == dp).ToList())).Append("</figure>\n");
            sb.Append("</div>\n<figure>").Append(WalkDiagram.Legend(d.Walk.Where(w => d.WalkDatapaths.Contains(w.Datapath)).Select(w => w.Kind))).Append("</figure>\n");
            foreach (string dp in d.WalkDatapaths) Table(sb, WalkTable(dp, d.Walk.Where(w => w.Datapath == dp).ToList()));
            sb.Append("</section>\n");
        }

        var topologies = d.WalkDatapaths.Count > 0 ? d.WalkDatapaths : d.Topology.Select(t => t.Datapath).Distinct(StringComparer.Ordinal).Take(1).ToList();
        if (d.Topology.Count > 0)
        {
            sb.Append("<section id=\"topology\"><h2>The cluster</h2>\n<div class=\"side-by-side\">\n");
            foreach (string dp in topologies.Where(dp => d.Topology.Any(t => t.Datapath == dp)))
                sb.Append("<figure>").Append(TopologyDiagram.Draw(dp, d.Topology.Where(t => t.Datapath == dp).ToList())).Append("</figure>\n");
            sb.Append("</div>\n</section>\n");
        }

        if (d.Charts.Count > 0)
        {
            sb.Append("<section id=\"charts\"><h2>Charts</h2>\n");
            foreach (var c in d.Charts)
                sb.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\">{c.Svg}<figcaption>{E(c.Caption)}</figcaption></figure>\n");
            sb.Append("</section>\n");
        }
        sb.Append("<footer>Written by netsim");
        if (d.Runs.Count > 0) sb.Append(CultureInfo.InvariantCulture, $" {E(d.Runs[0].Version)}");
        sb.Append(". Every number here is in the CSV files beside this page.</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static IEnumerable<(string Id, string Name)> Sections(ReportData d)
    {
        if (d.Runs.Count > 0) yield return ("context", "context");
        yield return ("tables", "results");
        if (d.WalkDatapaths.Count > 0) yield return ("walk", "packet walk");
        if (d.Topology.Count > 0) yield return ("topology", "cluster");
        if (d.Charts.Count > 0) yield return ("charts", "charts");
    }

    private static ReportTable Context(IReadOnlyList<RunInfo> runs) => new("context", "What ran",
        ["scenario", "datapath", "seed", "version", "scenario SHA-256", "event fingerprint", "packet conservation", "simulated s", "wall s"],
        runs.Select(r => (IReadOnlyList<string>)[r.Scenario, r.Datapath, r.Seed.ToString(CultureInfo.InvariantCulture), r.Version, r.ScenarioSha256[..Math.Min(16, r.ScenarioSha256.Length)] + "…",
            r.Fingerprint, r.Conservation, r.SimulatedSeconds.ToString("0.###", CultureInfo.InvariantCulture), r.WallSeconds.ToString("0.###", CultureInfo.InvariantCulture)]).ToList())
    {
        NumericColumns = new HashSet<int> { 2, 7, 8 },
    };

    private static ReportTable WalkTable(string datapath, IReadOnlyList<WalkRow> hops) => new($"walk-{datapath}", $"{datapath}: every hop",
        ["packet", "node", "element", "kind", "what it did", "CPU ns", "queue ns", "wire ns", "done at µs"],
        hops.Select(h => (IReadOnlyList<string>)[h.What, h.Node, h.Element, h.Kind, h.Action, F(h.CpuNs), F(h.QueueNs), F(h.WireNs), F(h.AtUs)]).ToList())
    {
        NumericColumns = new HashSet<int> { 5, 6, 7, 8 },
    };

    private static string F(double v) => v.ToString(Math.Abs(v) >= 100 ? "#,0" : "0.###", CultureInfo.InvariantCulture);

    private static void Table(StringBuilder sb, ReportTable t)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<div class=\"table-wrap\"><table id=\"{E(t.Id)}\"><caption>{E(t.Caption)}</caption>\n<thead><tr>");
        for (int i = 0; i < t.Header.Count; i++) sb.Append(CultureInfo.InvariantCulture, $"<th{Num(t, i)}>{E(t.Header[i])}</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in t.Rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < row.Count; i++) sb.Append(CultureInfo.InvariantCulture, $"<td{Num(t, i)}>{E(row[i])}</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table></div>\n");
    }

    private static string Num(ReportTable t, int column) => t.NumericColumns.Contains(column) ? " class=\"num\"" : "";

    private static string E(string s) => Svg.Escape(s);

    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1600px; padding: 0 24px 40px; color: #222; }
        header h1 { margin: 20px 0 0; font-size: 26px; } .kind { color: #666; margin: 2px 0 8px; }
        pre.command { background: #f4f4f4; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
        nav a { margin-right: 14px; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 32px; }
        .table-wrap { overflow-x: auto; margin: 12px 0 20px; }
        table { border-collapse: collapse; font-size: 13px; } caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { border: 1px solid #ddd; padding: 3px 8px; white-space: nowrap; } th { background: #f0f0f0; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } tbody tr:nth-child(even) { background: #fafafa; }
        .side-by-side { display: flex; flex-wrap: wrap; gap: 16px; } figure { margin: 0; }
        figure.chart { margin: 12px 0 24px; } figure.chart svg { max-width: min(100%, 900px); height: auto; }
        svg { font-family: system-ui, sans-serif; } figcaption { color: #555; font-size: 13px; }
        footer { margin-top: 40px; color: #777; font-size: 12px; }
        """;
}
