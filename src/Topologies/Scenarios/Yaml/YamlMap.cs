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

    public SimTime Time(string key, SimTime fallback)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        return SimTime.TryParse(s, out var t, out string error) ? t : throw Error(key, error);
    }

    public long BitRate(string key, long fallback)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        return Units.TryParseBitRate(s, out long v, out string error) ? v : throw Error(key, error);
    }

    public long Bytes(string key, long fallback)
    {
        string? s = OptionalString(key);
        if (s is null) return fallback;
        return Units.TryParseBytes(s, out long v, out string error) ? v : throw Error(key, error);
    }

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
