using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Scenarios.Yaml;

/// <summary>
/// Typed, located reading of one YAML mapping: each getter records the key as known, and
/// <see cref="RejectUnknown"/> turns any key nobody asked for into an error naming its line and the nearest key.
/// </summary>
public sealed class YamlMap
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlMap(YamlDoc doc, YamlMappingNode node, string path)
    {
        Doc = doc;
        Node = node;
        Path = path;
    }

    public YamlDoc Doc { get; }
    public YamlMappingNode Node { get; }
    /// <summary>The field path of this mapping, e.g. "cluster.nic".</summary>
    public string Path { get; }

    public string FieldPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key)
    {
        _known.Add(key);
        return Find(key) is not null;
    }

    public YamlNode? Find(string key)
    {
        _known.Add(key);
        foreach (var (k, v) in Node.Children)
            if (k is YamlScalarNode s && s.Value == key) return v;
        return null;
    }

    public InputException Error(string key, string problem) => Doc.Error(Find(key) ?? Node, FieldPath(key), problem);

    public string? OptionalString(string key)
    {
        var n = Find(key);
        if (n is null) return null;
        if (n is not YamlScalarNode s) throw Doc.Error(n, FieldPath(key), "expected a single value");
        return s.Value;
    }

    public string Text(string key, string? fallback = null) =>
        OptionalString(key) ?? fallback ?? throw Doc.Error(Node, FieldPath(key), "is required");

    public long Whole(string key, long fallback, long min = long.MinValue, long max = long.MaxValue)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw Error(key, $"'{s}' is not a whole number");
        if (v < min || v > max) throw Error(key, $"{v} is out of range ({min}..{max})");
        return v;
    }

    public int Count(string key, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        (int)Whole(key, fallback, min, max);

    public decimal Number(string key, decimal fallback, decimal min = decimal.MinValue, decimal max = decimal.MaxValue)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        if (!decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal v))
            throw Error(key, $"'{s}' is not a number");
        if (v < min || v > max) throw Error(key, $"{v} is out of range ({min}..{max})");
        return v;
    }

    public bool Flag(string key, bool fallback)
    {
        string? s = OptionalString(key);
        return s switch
        {
            null => fallback,
            "true" or "True" or "yes" or "on" => true,
            "false" or "False" or "no" or "off" => false,
            _ => throw Error(key, $"'{s}' is not true or false"),
        };
    }

    /// <summary>The longest time a scenario names (a run, a timeout): one day; no packet-level run gets near it.</summary>
    public static readonly SimTime MaxTime = SimTime.FromSeconds(86_400);

    /// <summary>A time from 0 up to <see cref="MaxTime"/>: no time in a scenario is negative.</summary>
    public SimTime Time(string key, SimTime fallback) => Time(key, fallback, SimTime.Zero, MaxTime);

    /// <summary>A time greater than zero (a duration, an interval), up to <paramref name="max"/> (default <see cref="MaxTime"/>).</summary>
    public SimTime PositiveTime(string key, SimTime fallback, SimTime? max = null) =>
        Time(key, fallback, SimTime.FromPicoseconds(1), max ?? MaxTime);

    public SimTime Time(string key, SimTime fallback, SimTime min, SimTime max)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        if (!SimTime.TryParse(s, out var t, out string error)) throw Error(key, error);
        if (t < min)
            throw Error(key, t < SimTime.Zero ? $"{t} is negative" : min == SimTime.FromPicoseconds(1) ? "must be positive" : $"{t} is below the minimum {min}");
        return t <= max ? t : throw Error(key, $"{t} is above the maximum {max}");
    }

    /// <summary>Bit rates a link or application can have: 1 kbit/s to 10 Tbit/s.</summary>
    public const long MinBitRate = 1_000, MaxBitRate = 10_000_000_000_000;

    public long BitRate(string key, long fallback) => BitRate(key, fallback, MinBitRate, MaxBitRate);

    public long BitRate(string key, long fallback, long min, long max)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        if (!Units.TryParseBitRate(s, out long v, out string error)) throw Error(key, error);
        return v >= min && v <= max ? v : throw Error(key, $"{ScenarioWriter.FormatRate(v)} is outside {ScenarioWriter.FormatRate(min)}..{ScenarioWriter.FormatRate(max)}");
    }

    public long Bytes(string key, long fallback) => Bytes(key, fallback, 1, long.MaxValue);

    /// <summary>A size in bytes within <paramref name="min"/>..<paramref name="max"/>, checked before any narrowing.</summary>
    public long Bytes(string key, long fallback, long min, long max)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        if (!Units.TryParseBytes(s, out long v, out string error)) throw Error(key, error);
        return v >= min && v <= max ? v : throw Error(key, $"{v} bytes is outside {min}..{max}");
    }

    /// <summary>A size that fits an int field, range-checked first so nothing wraps.</summary>
    public int SmallBytes(string key, int fallback, int min, int max) => (int)Bytes(key, fallback, min, max);

    /// <summary>One of a fixed set of words (case-sensitive, as Kubernetes fields are).</summary>
    public string OneOf(string key, string fallback, params string[] allowed)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        return allowed.Contains(s, StringComparer.Ordinal)
            ? s
            : throw Error(key, $"'{s}' is not one of {string.Join(", ", allowed)}{NetSim.Engine.Diagnostics.NearestName.Suggestion(s, allowed)}");
    }

    public YamlMap? OptionalMap(string key)
    {
        var n = Find(key);
        if (n is null) return null;
        return n is YamlMappingNode m ? new YamlMap(Doc, m, FieldPath(key)) : throw Doc.Error(n, FieldPath(key), "expected a mapping of fields");
    }

    public YamlMap Map(string key) => OptionalMap(key) ?? throw Doc.Error(Node, FieldPath(key), "is required");

    /// <summary>The items of a list; each item a mapping.</summary>
    public IReadOnlyList<YamlMap> Maps(string key)
    {
        var n = Find(key);
        if (n is null) return Array.Empty<YamlMap>();
        if (n is not YamlSequenceNode seq) throw Doc.Error(n, FieldPath(key), "expected a list");
        var list = new List<YamlMap>();
        for (int i = 0; i < seq.Children.Count; i++)
        {
            string p = $"{FieldPath(key)}[{i}]";
            list.Add(seq.Children[i] is YamlMappingNode m ? new YamlMap(Doc, m, p) : throw Doc.Error(seq.Children[i], p, "expected a mapping of fields"));
        }
        return list;
    }

    /// <summary>A list of single values (or one value, taken as a list of one).</summary>
    public IReadOnlyList<string> Strings(string key)
    {
        var n = Find(key);
        return n switch
        {
            null => Array.Empty<string>(),
            YamlScalarNode s => [s.Value ?? ""],
            YamlSequenceNode seq => seq.Children.Select((c, i) => c is YamlScalarNode s2 ? s2.Value ?? ""
                : throw Doc.Error(c, $"{FieldPath(key)}[{i}]", "expected a single value")).ToList(),
            _ => throw Doc.Error(n, FieldPath(key), "expected a list of values"),
        };
    }

    /// <summary>A mapping of string to string (labels, selectors).</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var n = Find(key);
        if (n is null) return new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (n is not YamlMappingNode m) throw Doc.Error(n, FieldPath(key), "expected a mapping");
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in m.Children)
        {
            if (k is not YamlScalarNode ks || v is not YamlScalarNode vs) throw Doc.Error(k, FieldPath(key), "expected key: value pairs");
            d[ks.Value ?? ""] = vs.Value ?? "";
        }
        return d;
    }

    /// <summary>Fails on the first key no getter asked for, naming its line and the nearest known key.</summary>
    public void RejectUnknown()
    {
        foreach (var (k, _) in Node.Children)
        {
            string key = (k as YamlScalarNode)?.Value ?? "";
            if (!_known.Contains(key))
                throw Doc.Error(k, FieldPath(key), $"unknown field{NetSim.Engine.Diagnostics.NearestName.Suggestion(key, _known)}");
        }
    }
}
