using System.Globalization;
using NetSim.Engine.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetSim.Engine.Costs;

/// <summary>
/// Reads a cost profile (profiles/*.yaml, format in profiles/README.md) and validates every field: unknown keys
/// (with the nearest known one suggested), negative values, missing sources, wrong types. Every problem is an
/// <see cref="InputException"/> naming file, line and field. Numbers are converted exactly with decimal
/// arithmetic: nanoseconds to integer picoseconds, nanoseconds per byte to integer femtoseconds per byte.
/// </summary>
public static class CostProfileLoader
{
    private static readonly string[] TopLevelFields = ["name", "description", "cpu_scale", "reference_machine", "l2_cache", "costs", "delays"];
    private static readonly string[] CostFields = ["fixed_ns", "per_byte_ns", "source"];
    private static readonly string[] DelayFields = ["ns", "source"];
    private static readonly string[] CacheFields = ["kib", "source"];

    /// <summary>Loads and validates the profile at <paramref name="path"/>.</summary>
    public static CostProfile Load(string path)
    {
        return Parse(InputFile.ReadText(path, "cost profile"), path);
    }

    /// <summary>Parses profile text; <paramref name="file"/> is the name errors refer to.</summary>
    public static CostProfile Parse(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        return new Reader(file).Read(YamlInput.LoadMapping(yaml, file, "cost profile"));
    }

    private static int LineOf(Mark mark) => (int)Math.Min(int.MaxValue, mark.Line);

    /// <summary>One pass over one file, holding the file name for error messages.</summary>
    private sealed class Reader(string file)
    {
        public CostProfile Read(YamlMappingNode root)
        {
            string? name = null;
            string description = "", machine = "";
            decimal cpuScale = 1m;
            long l2CacheBytes = 0;
            var costs = new Dictionary<string, Cost>(StringComparer.Ordinal);
            var delays = new Dictionary<string, long>(StringComparer.Ordinal);
            var sources = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawCosts = false;
            foreach (var (keyNode, value) in root.Children)
            {
                string key = KeyText(keyNode, "");
                switch (key)
                {
                    case "name": name = Text(value, "name"); break;
                    case "description": description = Text(value, "description"); break;
                    case "reference_machine": machine = Text(value, "reference_machine"); break;
                    case "cpu_scale":
                        cpuScale = Number(value, "cpu_scale");
                        if (cpuScale <= 0) throw Error(value, "cpu_scale", $"must be positive, not {cpuScale}");
                        break;
                    case "l2_cache": l2CacheBytes = ReadL2Cache(Mapping(value, "l2_cache"), sources); break;
                    case "costs":
                        sawCosts = true;
                        ReadCosts(Mapping(value, "costs"), costs, sources);
                        break;
                    case "delays": ReadDelays(Mapping(value, "delays"), delays, sources); break;
                    default: throw Error(keyNode, key, $"unknown field '{key}'{NearestName.Hint(key, TopLevelFields)}");
                }
            }
            if (name is null || name.Trim().Length == 0) throw Error(root, "name", "missing: every profile needs a name");
            if (!sawCosts) throw Error(root, "costs", "missing: a profile needs a costs table");
            return new CostProfile(name, costs, cpuScale, delays)
            {
                Description = description,
                ReferenceMachine = machine,
                Sources = sources,
                L2CacheBytes = l2CacheBytes,
            };
        }

        /// <summary><c>l2_cache: { kib: 256, source: "..." }</c>: one core's L2 on the reference machine.</summary>
        private long ReadL2Cache(YamlMappingNode entry, Dictionary<string, string> sources)
        {
            decimal? kib = null;
            string? source = null;
            foreach (var (fNode, fValue) in entry.Children)
            {
                string f = KeyText(fNode, "l2_cache");
                switch (f)
                {
                    case "kib": kib = NonNegative(fValue, "l2_cache.kib"); break;
                    case "source": source = Text(fValue, "l2_cache.source"); break;
                    default: throw Error(fNode, $"l2_cache.{f}", $"unknown field '{f}'{NearestName.Hint(f, CacheFields)}");
                }
            }
            if (kib is null) throw Error(entry, "l2_cache.kib", "missing: the cache size in KiB");
            if (kib == 0) throw Error(entry, "l2_cache.kib", "must be positive (leave l2_cache out to not model the cache)");
            RequireSource(entry, "l2_cache", source);
            sources["l2_cache"] = source!;
            return Exact(kib.Value, 1024m, entry, "l2_cache.kib", "1 byte");
        }

        private void ReadCosts(YamlMappingNode table, Dictionary<string, Cost> costs, Dictionary<string, string> sources)
        {
            string[] known = CostKeys.All.Select(k => k.Name).ToArray();
            foreach (var (keyNode, value) in table.Children)
            {
                string key = KeyText(keyNode, "costs");
                string field = $"costs.{key}";
                if (!CostKeys.TryGet(key, out _))
                    throw Error(keyNode, field, $"unknown cost key '{key}'{NearestName.Hint(key, known)}");
                YamlMappingNode entry = Mapping(value, field);
                decimal? fixedNs = null, perByteNs = null;
                string? source = null;
                foreach (var (fNode, fValue) in entry.Children)
                {
                    string f = KeyText(fNode, field);
                    switch (f)
                    {
                        case "fixed_ns": fixedNs = NonNegative(fValue, $"{field}.fixed_ns"); break;
                        case "per_byte_ns": perByteNs = NonNegative(fValue, $"{field}.per_byte_ns"); break;
                        case "source": source = Text(fValue, $"{field}.source"); break;
                        default: throw Error(fNode, $"{field}.{f}", $"unknown field '{f}'{NearestName.Hint(f, CostFields)}");
                    }
                }
                if (fixedNs is null && perByteNs is null)
                    throw Error(entry, field, "needs fixed_ns or per_byte_ns (or both)");
                RequireSource(entry, field, source);
                long fixedPs = Exact(fixedNs ?? 0m, 1_000m, entry, $"{field}.fixed_ns", "1 ps (3 decimals of ns)");
                long perByteFs = Exact(perByteNs ?? 0m, 1_000_000m, entry, $"{field}.per_byte_ns", "1 fs (6 decimals of ns)");
                costs[key] = new Cost(fixedPs, perByteFs);
                sources[key] = source!;
            }
        }

        private void ReadDelays(YamlMappingNode table, Dictionary<string, long> delays, Dictionary<string, string> sources)
        {
            string[] known = DelayKeys.All.Select(k => k.Name).ToArray();
            foreach (var (keyNode, value) in table.Children)
            {
                string key = KeyText(keyNode, "delays");
                string field = $"delays.{key}";
                if (!DelayKeys.TryGet(key, out _))
                    throw Error(keyNode, field, $"unknown delay key '{key}'{NearestName.Hint(key, known)}");
                YamlMappingNode entry = Mapping(value, field);
                decimal? ns = null;
                string? source = null;
                foreach (var (fNode, fValue) in entry.Children)
                {
                    string f = KeyText(fNode, field);
                    switch (f)
                    {
                        case "ns": ns = NonNegative(fValue, $"{field}.ns"); break;
                        case "source": source = Text(fValue, $"{field}.source"); break;
                        default: throw Error(fNode, $"{field}.{f}", $"unknown field '{f}'{NearestName.Hint(f, DelayFields)}");
                    }
                }
                if (ns is null) throw Error(entry, $"{field}.ns", "missing: a delay needs ns");
                RequireSource(entry, field, source);
                delays[key] = Exact(ns.Value, 1_000m, entry, $"{field}.ns", "1 ps (3 decimals of ns)");
                sources[key] = source!;
            }
        }

        private void RequireSource(YamlNode entry, string field, string? source)
        {
            if (source is null) throw Error(entry, $"{field}.source", "missing: every number needs a source saying where it comes from");
            if (source.Trim().Length == 0) throw Error(entry, $"{field}.source", "is empty: say where the number comes from");
        }

        private string KeyText(YamlNode key, string parent)
        {
            if (key is YamlScalarNode s && s.Value is not null) return s.Value;
            throw Error(key, parent, "keys must be plain names");
        }

        private YamlMappingNode Mapping(YamlNode node, string field) =>
            node as YamlMappingNode ?? throw Error(node, field, $"expected a mapping, found {Describe(node)}");

        private string Text(YamlNode node, string field)
        {
            if (node is YamlScalarNode s) return s.Value ?? "";
            throw Error(node, field, $"expected text, found {Describe(node)}");
        }

        private decimal Number(YamlNode node, string field)
        {
            if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } &&
                decimal.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                    CultureInfo.InvariantCulture, out decimal d))
                return d;
            throw Error(node, field, $"expected a number, found {Describe(node)}");
        }

        private decimal NonNegative(YamlNode node, string field)
        {
            decimal d = Number(node, field);
            if (d < 0) throw Error(node, field, $"must not be negative ({d.ToString(CultureInfo.InvariantCulture)})");
            return d;
        }

        private long Exact(decimal value, decimal scale, YamlNode node, string field, string resolution)
        {
            decimal scaled = value * scale;
            if (scaled != decimal.Truncate(scaled)) throw Error(node, field, $"{value.ToString(CultureInfo.InvariantCulture)} is finer than {resolution}");
            if (scaled > long.MaxValue) throw Error(node, field, $"{value.ToString(CultureInfo.InvariantCulture)} is too large");
            return decimal.ToInt64(scaled);
        }

        private static string Describe(YamlNode node) => node switch
        {
            YamlScalarNode { Style: ScalarStyle.Plain } s => $"'{s.Value}'",
            YamlScalarNode s => $"the quoted text \"{s.Value}\"",
            YamlSequenceNode => "a list",
            YamlMappingNode => "a mapping",
            _ => "something else",
        };

        private InputException Error(YamlNode node, string field, string problem) =>
            new(file, LineOf(node.Start), field, problem);
    }
}
