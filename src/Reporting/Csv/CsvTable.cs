using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace NetSim.Reporting.Csv;

/// <summary>
/// Writes records as a tidy CSV (one row per record, snake_case headers that carry their unit, e.g.
/// goodput_gbps, p99_us), with invariant, fixed formatting so two runs with the same seed write identical bytes.
/// </summary>
public static class CsvTable
{
    private const string NumberFormat = "0.######";

    public static void Write<T>(string path, IEnumerable<T> rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(writer, rows);
    }

    public static void Write<T>(TextWriter writer, IEnumerable<T> rows)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using var csv = new CsvWriter(writer, config, leaveOpen: true);
        var map = csv.Context.AutoMap<T>();
        foreach (var member in map.MemberMaps)
        {
            member.Data.Names.Clear();
            member.Data.Names.Add(SnakeCase(member.Data.Member!.Name));
        }
        csv.Context.RegisterClassMap(map);
        var options = new CsvHelper.TypeConversion.TypeConverterOptions { Formats = [NumberFormat], CultureInfo = CultureInfo.InvariantCulture };
        csv.Context.TypeConverterOptionsCache.AddOptions<double>(options);
        csv.Context.TypeConverterOptionsCache.AddOptions<decimal>(options);
        csv.WriteRecords(rows);
    }

    /// <summary>Reads a CSV written by <see cref="Write{T}(string, IEnumerable{T})"/> back (sweep resume, tests).</summary>
    public static List<T> Read<T>(string path)
    {
        using var reader = new StreamReader(path);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant(),
        };
        using var csv = new CsvReader(reader, config);
        return csv.GetRecords<T>().ToList();
    }

    /// <summary>"GoodputGbps" → "goodput_gbps", "P999Us" → "p999_us", "CpuUsPerGbit" → "cpu_us_per_gbit".</summary>
    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (char.IsDigit(name[i - 1])));
            if (boundary) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
