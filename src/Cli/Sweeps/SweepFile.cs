using NetSim.Experiments.Results;
using NetSim.Cli.Reports;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace NetSim.Cli.Sweeps;

/// <summary>
/// A SWEEP file: a scenario, fixed overrides, the parameters to vary (each a scenario field path with a list of
/// values or a generated range), how to combine them (grid: every combination; zip: the i-th values together),
/// replications per point, a base seed, and the metrics to chart. Format: scenarios/README.md, "Sweeps".
/// </summary>
public sealed record SweepFile(
    string File,
    string Name,
    string Scenario,
    int Replications,
    ulong? Seed,
    IReadOnlyList<string> Set,
    string Combine,
    IReadOnlyList<SweepParameter> Parameters,
    IReadOnlyList<string> ChartMetrics)
{
    public const string Grid = "grid";
    public const string Zip = "zip";

    /// <summary>Metrics charted when the file names none (each only if the runs report it).</summary>
    public static readonly IReadOnlyList<string> DefaultChartMetrics =
        [Metrics.P50.Key, Metrics.P99.Key, Metrics.ConnectP50.Key, Metrics.Goodput.Key, Metrics.TransactionsPerSecond.Key, Metrics.CpuPerGbit.Key];

    /// <summary>Reads a sweep file; <paramref name="scenarioMustExist"/> is false for a copy whose scenario is elsewhere (a shard's sweep.yaml, merged).</summary>
    public static SweepFile Load(string path, bool scenarioMustExist = true)
    {
        var doc = YamlDoc.Load(path);
        var top = doc.Top;
        string stem = System.IO.Path.GetFileNameWithoutExtension(path);
        string name = top.Text("name", stem.EndsWith(".sweep", StringComparison.Ordinal) ? stem[..^6] : stem);
        // The name makes the default output directory (NAME-sweep) and chart titles.
        if (name.Length is 0 or > ScenarioLoader.MaxNameLength) throw top.Error("name", $"needs 1 to {ScenarioLoader.MaxNameLength} characters, not {name.Length}");
        string scenario = top.Text("scenario");
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        string scenarioPath = System.IO.Path.IsPathRooted(scenario) ? scenario : System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, scenario));
        if (scenarioMustExist && !System.IO.File.Exists(scenarioPath)) throw top.Error("scenario", $"no scenario file {scenarioPath} (a relative path is relative to the sweep file)");
        int replications = top.Count("replications", 1, 1, 10_000);
        ulong? seed = top.Has("seed") ? (ulong)top.Whole("seed", 0, 0) : null;
        var set = top.Strings("set");
        foreach (var (s, i) in set.Select((s, i) => (s, i)))
            if (s.IndexOf('=', StringComparison.Ordinal) <= 0) throw top.Error("set", $"item {i}: '{s}' is not PATH=VALUE");
        string combine = top.OneOf("combine", Grid, Grid, Zip);
        var parameters = ReadParameters(doc, top);
        if (combine == Zip && parameters.Select(p => p.Values.Count).Distinct().Count() > 1)
            throw top.Error("parameters", $"combine: zip needs lists of one length; they have {string.Join(", ", parameters.Select(p => $"{p.Path}: {p.Values.Count}"))}");
        var metrics = top.Strings("metrics");
        foreach (string m in metrics)
            if (Metrics.Find(m) is null) throw top.Error("metrics", $"'{m}' is not a metric; known: {string.Join(", ", Metrics.All.Select(x => x.Key))}");
        top.RejectUnknown();
        return new SweepFile(path, name, scenarioPath, replications, seed, set, combine, parameters, metrics.Count > 0 ? metrics : DefaultChartMetrics);
    }

    private static List<SweepParameter> ReadParameters(YamlDoc doc, YamlMap top)
    {
        var node = top.Find("parameters");
        if (node is not YamlMappingNode map || map.Children.Count == 0)
            throw top.Error("parameters", "needs at least one parameter: PATH: [VALUES] or PATH: {log: [FROM, TO, N]}");
        var list = new List<SweepParameter>();
        foreach (var (k, v) in map.Children)
        {
            string path = (k as YamlScalarNode)?.Value ?? "";
            string field = $"parameters.{path}";
            if (path.Length == 0) throw doc.Error(k, "parameters", "a parameter needs a field path, e.g. kube_proxy.mode");
            if (path == "seed") throw doc.Error(k, field, "seeds are not swept: each point runs 'replications' times with seeds derived from 'seed'");
            list.Add(v switch
            {
                YamlScalarNode s => new SweepParameter(path, [s.Value ?? ""], false),
                YamlSequenceNode seq when seq.Children.Count > 0 && seq.Children.All(c => c is YamlScalarNode) =>
                    new SweepParameter(path, Distinct(doc, seq, field), false),
                YamlMappingNode range => Range(doc, range, path, field),
                _ => throw doc.Error(v, field, "expected a list of values, or {log: [FROM, TO, N]} or {linear: [FROM, TO, N]}"),
            });
        }
        return list;
    }

    private static List<string> Distinct(YamlDoc doc, YamlSequenceNode seq, string field)
    {
        var values = seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
        var dup = values.GroupBy(x => x, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return dup is null ? values : throw doc.Error(seq, field, $"value '{dup.Key}' is listed twice");
    }

    private static SweepParameter Range(YamlDoc doc, YamlMappingNode range, string path, string field)
    {
        if (range.Children.Count != 1 || range.Children.First().Key is not YamlScalarNode { Value: "log" or "linear" } kind)
            throw doc.Error(range, field, "expected {log: [FROM, TO, N]} or {linear: [FROM, TO, N]}");
        if (range.Children.First().Value is not YamlSequenceNode { Children.Count: 3 } args || !args.Children.All(c => c is YamlScalarNode))
            throw doc.Error(range, field, $"{kind.Value} takes [FROM, TO, N], e.g. {{{kind.Value}: [10, 30000, 8]}}");
        string[] a = args.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToArray();
        if (!int.TryParse(a[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n > 1000)
            throw doc.Error(args, field, $"N must be a whole number of values (2..1000), not '{a[2]}'");
        bool log = kind.Value == "log";
        var values = SweepParameter.Generate(a[0], a[1], n, log, out string error);
        return error.Length == 0 ? new SweepParameter(path, values, log) : throw doc.Error(args, field, error);
    }
}
