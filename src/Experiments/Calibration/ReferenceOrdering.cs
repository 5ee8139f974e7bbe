using System.Globalization;
using CsvHelper;
using NetSim.Engine.Diagnostics;

namespace NetSim.Experiments.Calibration;

/// <summary>How two reference rows' simulated values must relate.</summary>
public enum OrderingRelation
{
    /// <summary>left &lt; right.</summary>
    Less,
    /// <summary>left &gt; right.</summary>
    Greater,
    /// <summary>right within ±limit % of left ("nearly flat").</summary>
    Within,
}

/// <summary>
/// An ordering a source reports between two of its figures (scenarios/reference/orderings.csv), checked on the
/// simulated values: "eBPF host routing beats legacy", "IPVS stays nearly flat from 5k to 30k Services".
/// </summary>
public sealed record ReferenceOrdering(string Id, string Check, string Left, OrderingRelation Relation, string Right, double LimitPercent, string Source, int Line)
{
    public static readonly string[] Columns = ["id", "check", "left", "relation", "right", "limit_pct", "source"];

    public bool Holds(double left, double right) => !double.IsNaN(left) && !double.IsNaN(right) && Relation switch
    {
        OrderingRelation.Less => left < right,
        OrderingRelation.Greater => left > right,
        _ => Math.Abs(right / left - 1) * 100 <= LimitPercent,
    };

    public string RelationText => Relation switch
    {
        OrderingRelation.Less => "<",
        OrderingRelation.Greater => ">",
        _ => $"within ±{LimitPercent.ToString("0.#", CultureInfo.InvariantCulture)} % of",
    };

    /// <summary>Reads the orderings file (none when it does not exist); every row's left and right must be ids of <paramref name="rows"/>.</summary>
    public static IReadOnlyList<ReferenceOrdering> Load(string path, IReadOnlyList<ReferenceRow> rows)
    {
        if (!File.Exists(path)) return [];
        var ids = rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var lines = InputFile.ReadText(path, "orderings file").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var header = Fields(lines[0]);
        if (!header.SequenceEqual(Columns)) throw new InputException(path, 1, "", $"the header must be {string.Join(",", Columns)}");
        var result = new List<ReferenceOrdering>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0 || lines[i].StartsWith('#')) continue;
            var f = Fields(lines[i]);
            int line = i + 1;
            if (f.Count != Columns.Length) throw new InputException(path, line, "", $"expected {Columns.Length} columns, found {f.Count}");
            foreach (int c in (int[])[2, 4])
                if (!ids.Contains(f[c])) throw new InputException(path, line, Columns[c], $"no measurement with id '{f[c]}'{NearestName.Hint(f[c], ids)}");
            var relation = f[3] switch
            {
                "less" => OrderingRelation.Less,
                "greater" => OrderingRelation.Greater,
                "within" => OrderingRelation.Within,
                _ => throw new InputException(path, line, "relation", $"'{f[3]}' is not less, greater or within"),
            };
            double limit = 0;
            if (relation == OrderingRelation.Within && !double.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out limit))
                throw new InputException(path, line, "limit_pct", $"'{f[5]}' is not a number");
            result.Add(new ReferenceOrdering(f[0], f[1], f[2], relation, f[4], limit, f[6], line));
        }
        return result;
    }

    private static List<string> Fields(string line)
    {
        using var reader = new StringReader(line);
        using var csv = CsvReader.Create(reader, new CsvReaderOptions { HasHeader = false }, true);
        var fields = new List<string>();
        if (!csv.Read()) return fields;
        for (int i = 0; i < csv.FieldCount; i++) fields.Add((csv.GetString(i) ?? "").Trim());
        return fields;
    }
}
