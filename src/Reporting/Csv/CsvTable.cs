using System.Globalization;
using System.Reflection;
using System.Text;
using CsvHelper;

namespace NetSim.Reporting.Csv;

/// <summary>
/// Writes records as a tidy CSV (one row per record, snake_case headers that carry their unit, e.g.
/// goodput_gbps, p99_us), with invariant, fixed formatting so two runs with the same seed write identical bytes;
/// and reads such files back into the same records (sweep resume, tests).
/// </summary>
public static class CsvTable
{
    private const string NumberFormat = "0.######";
    private static readonly string[] BinaryUnits = ["KiB", "MiB", "GiB", "TiB"];

    public static void Write<T>(string path, IEnumerable<T> rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(writer, rows);
    }

    public static void Write<T>(TextWriter writer, IEnumerable<T> rows)
    {
        var columns = Columns<T>();
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\n" }, true);
        csv.WriteRecord(columns.Select(c => SnakeCase(c.Name)).ToArray());
        foreach (T row in rows)
            csv.WriteRecord(columns.Select(c => Format(c.GetValue(row))).ToArray());
    }

    /// <summary>Reads a CSV written by <see cref="Write{T}(string, IEnumerable{T})"/> back into records.</summary>
    public static List<T> Read<T>(string path)
    {
        using var reader = new StreamReader(path);
        return Read<T>(reader);
    }

    public static List<T> Read<T>(TextReader reader)
    {
        var ctor = typeof(T).GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = ctor.GetParameters();
        using var csv = CsvReader.Create(reader, new CsvReaderOptions(), true);
        csv.ReadHeader();
        var header = csv.Headers ?? [];
        int[] index = parameters.Select(p => IndexOf(header, SnakeCase(p.Name!))).ToArray();
        var rows = new List<T>();
        while (csv.Read())
        {
            var args = new object?[parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
                args[i] = Parse(csv.GetString(index[i]), parameters[i].ParameterType);
            rows.Add((T)ctor.Invoke(args));
        }
        return rows;
    }

    /// <summary>Writes a table whose columns are known only at run time (sweep.csv: a column per parameter).</summary>
    public static void WriteRaw(TextWriter writer, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\n" }, true);
        csv.WriteRecord(header.ToArray());
        foreach (var row in rows) csv.WriteRecord(row.Select(Format).ToArray());
    }

    /// <summary>A CSV file's header and rows as text (for files whose columns depend on their content, like sweep.csv).</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) ReadRaw(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = CsvReader.Create(reader, new CsvReaderOptions(), true);
        csv.ReadHeader();
        var header = csv.Headers?.ToList() ?? [];
        var rows = new List<IReadOnlyList<string>>();
        while (csv.Read()) rows.Add(Enumerable.Range(0, header.Count).Select(i => csv.GetString(i)).ToList());
        return (header, rows);
    }

    /// <summary>"GoodputGbps" → "goodput_gbps", "P999Us" → "p999_us", "CpuUsPerGbit" → "cpu_us_per_gbit", "PeakMemoryMiB" → "peak_memory_mib".</summary>
    public static string SnakeCase(string name)
    {
        // Binary units are one word, not "Mi" + "B".
        foreach (string unit in BinaryUnits) name = name.Replace(unit, unit[..2] + "b", StringComparison.Ordinal);
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]))) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>The record's public properties in declaration (primary constructor) order.</summary>
    private static PropertyInfo[] Columns<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken).ToArray();

    private static string Format(object? v) => v switch
    {
        null => "",
        double d => d.ToString(NumberFormat, CultureInfo.InvariantCulture),
        float f => f.ToString(NumberFormat, CultureInfo.InvariantCulture),
        decimal m => m.ToString(NumberFormat, CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static object? Parse(string text, Type type)
    {
        if (type == typeof(string)) return text;
        if (Nullable.GetUnderlyingType(type) is { } inner) return text.Length == 0 ? null : Parse(text, inner);
        if (type.IsEnum) return Enum.Parse(type, text);
        return Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
            if (header[i] == name) return i;
        throw new FormatException($"column '{name}' is missing");
    }
}
