using System.Text;
using CsvHelper;
using NetSim.Topologies.Scenarios;

namespace NetSim.Experiments.Advice;

/// <summary>
/// What each datapath NetSim models offers, from its CNI's own docs (docs/cni-features.csv, embedded in this
/// library): one cell per datapath and feature, each with its source.
/// </summary>
public sealed class FeatureMatrix
{
    public const string ResourceName = "NetSim.Experiments.Advice.cni-features.csv";
    private readonly Dictionary<(string, string), FeatureCell> _cells;

    private FeatureMatrix(IReadOnlyList<FeatureCell> cells)
    {
        Cells = cells;
        _cells = cells.ToDictionary(c => (c.Datapath, c.Feature));
    }

    public IReadOnlyList<FeatureCell> Cells { get; }

    public FeatureCell this[string datapath, string feature] => _cells[(datapath, feature)];

    /// <summary>The matrix bundled with NetSim.</summary>
    public static FeatureMatrix Bundled { get; } = Load();

    private static FeatureMatrix Load()
    {
        using var stream = typeof(FeatureMatrix).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"the feature matrix {ResourceName} is not embedded");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Reads the CSV and checks it is complete: every datapath, every feature, a known value and a source in each cell.</summary>
    public static FeatureMatrix Parse(string csv)
    {
        using var reader = CsvReader.Create(new StringReader(csv), new CsvReaderOptions(), true);
        reader.ReadHeader();
        var header = reader.Headers?.ToList() ?? [];
        string[] columns = ["datapath", "feature", "value", "note", "source"];
        if (!header.SequenceEqual(columns)) throw new InvalidDataException($"feature matrix: the header must be {string.Join(",", columns)}");
        var cells = new List<FeatureCell>();
        while (reader.Read()) cells.Add(new FeatureCell(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        foreach (var c in cells)
        {
            if (!DatapathNames.IsKnown(c.Datapath)) throw new InvalidDataException($"feature matrix: '{c.Datapath}' is not a datapath");
            if (!Features.Values.TryGetValue(c.Feature, out var allowed)) throw new InvalidDataException($"feature matrix: '{c.Feature}' is not a feature");
            if (!allowed.Contains(c.Value, StringComparer.Ordinal)) throw new InvalidDataException($"feature matrix: {c.Datapath} {c.Feature}='{c.Value}' is not one of {string.Join(", ", allowed)}");
            if (!c.Source.StartsWith("http", StringComparison.Ordinal) && !c.Source.StartsWith("NetSim:", StringComparison.Ordinal))
                throw new InvalidDataException($"feature matrix: {c.Datapath} {c.Feature} has no source");
        }
        foreach (string d in DatapathNames.All)
            foreach (string f in Features.All)
                if (cells.Count(c => c.Datapath == d && c.Feature == f) != 1)
                    throw new InvalidDataException($"feature matrix: {d} {f} needs exactly one cell");
        return new FeatureMatrix(cells);
    }

    /// <summary>The matrix as the markdown of docs/cni-features.md: a table of values, then every cell's note and source.</summary>
    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append("| datapath | ").AppendJoin(" | ", Features.All).AppendLine(" |");
        sb.Append("|---|").AppendJoin("", Features.All.Select(_ => "---|")).AppendLine();
        foreach (string d in DatapathNames.All)
            sb.Append("| ").Append(d).Append(" | ").AppendJoin(" | ", Features.All.Select(f => this[d, f].Value)).AppendLine(" |");
        foreach (string d in DatapathNames.All)
        {
            sb.AppendLine().Append("### ").AppendLine(d).AppendLine();
            foreach (string f in Features.All)
            {
                var c = this[d, f];
                sb.Append("- **").Append(f).Append("** = ").Append(c.Value).Append(": ").Append(c.Note).Append(" (")
                  .AppendJoin(", ", c.Source.Split(" ; ").Select(s => s.StartsWith("http", StringComparison.Ordinal) ? $"<{s}>" : s)).AppendLine(")");
            }
        }
        return sb.ToString();
    }
}
