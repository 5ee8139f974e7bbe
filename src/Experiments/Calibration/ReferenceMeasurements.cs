using System.Globalization;
using CsvHelper;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;

namespace NetSim.Experiments.Calibration;

/// <summary>
/// Reads a measurements file (scenarios/reference/published.csv; format in scenarios/reference/README.md): one
/// published figure per row. Every problem names the file, the line and the column, and is bad input (exit 2).
/// </summary>
public static class ReferenceMeasurements
{
    /// <summary>The columns, in order.</summary>
    public static readonly string[] Columns = ["id", "setup", "scenario", "datapath", "set", "metric", "published", "unit", "tolerance_pct", "fit", "source"];

    public static IReadOnlyList<ReferenceRow> Load(string path)
    {
        return Parse(InputFile.ReadText(path, "measurements file"), path);
    }

    public static IReadOnlyList<ReferenceRow> Parse(string text, string path)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length == 0 || lines[0].Trim().Length == 0) throw new InputException(path, 1, "", "the measurements file is empty");
        var header = Fields(lines[0], path, 1);
        for (int c = 0; c < Columns.Length; c++)
            if (c >= header.Count || header[c] != Columns[c])
                throw new InputException(path, 1, c < header.Count ? header[c] : Columns[c],
                    $"the header must be {string.Join(",", Columns)} (column {c + 1} should be '{Columns[c]}')");
        var rows = new List<ReferenceRow>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        for (int i = 1; i < lines.Length; i++)
        {
            int line = i + 1;
            if (lines[i].Trim().Length == 0 || lines[i].StartsWith('#')) continue;
            var f = Fields(lines[i], path, line);
            if (f.Count != Columns.Length)
                throw new InputException(path, line, "", $"expected {Columns.Length} columns ({string.Join(",", Columns)}), found {f.Count}");
            var row = Row(f, path, line, dir);
            if (!ids.Add(row.Id)) throw new InputException(path, line, "id", $"'{row.Id}' appears twice");
            rows.Add(row);
        }
        if (rows.Count == 0) throw new InputException(path, 0, "", "no measurements in the file");
        return rows;
    }

    private static ReferenceRow Row(List<string> f, string path, int line, string dir)
    {
        string Need(int c)
        {
            string v = f[c].Trim();
            return v.Length > 0 ? v : throw new InputException(path, line, Columns[c], "is empty");
        }
        string id = Need(0), setup = Need(1), scenario = Need(2), datapath = Need(3);
        if (!File.Exists(Path.Combine(dir, scenario)))
            throw new InputException(path, line, "scenario", $"no scenario file '{scenario}' next to the measurements file");
        if (!DatapathNames.IsKnown(datapath))
            throw new InputException(path, line, "datapath", $"'{datapath}' is not a datapath{NearestName.Hint(datapath, DatapathNames.All)}");
        var sets = f[4].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string s in sets)
            if (s.IndexOf('=', StringComparison.Ordinal) <= 0) throw new InputException(path, line, "set", $"'{s}' is not PATH=VALUE");
        if (!ReferenceMetric.TryParse(Need(5), out var metric, out string problem)) throw new InputException(path, line, "metric", problem);
        double published = Number(Need(6), path, line, "published");
        if (published <= 0) throw new InputException(path, line, "published", $"must be positive, not {f[6]}");
        string tol = f[8].Trim();
        double? tolerance = tol.Length == 0 ? null : Number(tol, path, line, "tolerance_pct");
        if (tolerance is <= 0) throw new InputException(path, line, "tolerance_pct", $"must be positive (or empty for information only), not {tol}");
        bool fit = Need(9) switch
        {
            "yes" => true,
            "no" => false,
            _ => throw new InputException(path, line, "fit", $"'{f[9]}' is not yes or no"),
        };
        return new ReferenceRow(id, setup, scenario, datapath, sets, metric, published, Need(7), tolerance, fit, Need(10), line);
    }

    private static double Number(string text, string path, int line, string column) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? d : throw new InputException(path, line, column, $"'{text}' is not a number");

    /// <summary>The fields of one CSV line (quoted fields may hold commas; a quote inside is doubled).</summary>
    private static List<string> Fields(string line, string path, int lineNumber)
    {
        using var reader = new StringReader(line);
        using var csv = CsvReader.Create(reader, new CsvReaderOptions { HasHeader = false }, true);
        try
        {
            if (!csv.Read()) return [];
            var fields = new List<string>();
            for (int i = 0; i < csv.FieldCount; i++) fields.Add(csv.GetString(i) ?? "");
            return fields;
        }
        catch (Exception e) when (e is CsvFormatException or CsvValidationException or FormatException)
        {
            throw new InputException(path, lineNumber, "", $"not valid CSV: {e.Message}");
        }
    }
}
