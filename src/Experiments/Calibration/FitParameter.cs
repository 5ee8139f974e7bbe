using System.Globalization;
using NetSim.Engine.Costs;
using NetSim.Engine.Diagnostics;

namespace NetSim.Experiments.Calibration;

/// <summary>Which number of a profile entry a fit moves.</summary>
public enum FitField
{
    /// <summary>A cost's fixed_ns.</summary>
    FixedNs,
    /// <summary>A cost's per_byte_ns.</summary>
    PerByteNs,
    /// <summary>A hardware delay's ns.</summary>
    DelayNs,
}

/// <summary>
/// One profile number a calibration fits, named on the command line as KEY (a cost's fixed_ns, or its per_byte_ns
/// when it has only that; a delay's ns) or KEY:fixed_ns / KEY:per_byte_ns. Values are nanoseconds (per byte).
/// KEY+KEY2 (costs only) is one number that moves several costs by the same factor, each from its own value: for
/// mechanisms one measurement cannot tell apart, such as VXLAN's encapsulation and decapsulation in a round trip.
/// The parameter's value is the first key's.
/// </summary>
public sealed record FitParameter(string Key, FitField Field)
{
    /// <summary>The costs moved with <see cref="Key"/> (KEY+KEY2+...), in the order named.</summary>
    public IReadOnlyList<string> Tied { get; init; } = [];

    /// <summary>Every key the parameter moves, <see cref="Key"/> first.</summary>
    public IEnumerable<string> Keys => Tied.Prepend(Key);

    public string Name => Field switch
    {
        FitField.FixedNs => $"{string.Join("+", Keys)}:fixed_ns",
        FitField.PerByteNs => $"{string.Join("+", Keys)}:per_byte_ns",
        _ => $"{Key}:ns",
    };

    /// <summary>The YAML field the value is written to.</summary>
    public string YamlField => Field switch
    {
        FitField.FixedNs => "fixed_ns",
        FitField.PerByteNs => "per_byte_ns",
        _ => "ns",
    };

    /// <summary>Parses the --fit list against <paramref name="profile"/>: each key must be set in it, with a non-zero value to scale.</summary>
    public static IReadOnlyList<FitParameter> ParseList(string command, string list, CostProfile profile)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw Bad(command, "--fit needs at least one key");
        var result = new List<FitParameter>();
        foreach (string name in names)
        {
            var p = Parse(command, name, profile);
            if (result.FirstOrDefault(q => q.Field == p.Field && q.Keys.Intersect(p.Keys, StringComparer.Ordinal).Any()) is { } twice)
                throw Bad(command, $"--fit names {twice.Keys.Intersect(p.Keys, StringComparer.Ordinal).First()}:{p.YamlField} twice");
            if (p.Value(profile) <= 0) throw Bad(command, $"--fit {name}: the profile's value is 0; a fit scales a positive starting value");
            result.Add(p);
        }
        return result;
    }

    private static FitParameter Parse(string command, string name, CostProfile profile)
    {
        string key = name, field = "";
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) (key, field) = (name[..colon], name[(colon + 1)..]);
        if (key.Contains('+', StringComparison.Ordinal)) return ParseTied(command, name, key, field, profile);
        string[] known = [.. CostKeys.All.Select(k => k.Name), .. DelayKeys.All.Select(k => k.Name)];
        if (CostKeys.TryGet(key, out var cost))
        {
            if (!profile.Defines(cost)) throw Bad(command, $"--fit {name}: the profile does not set cost '{key}'");
            var c = profile.Raw[key];
            return field switch
            {
                "" => new FitParameter(key, c.FixedPs == 0 && c.PerByteFs > 0 ? FitField.PerByteNs : FitField.FixedNs),
                "fixed_ns" => new FitParameter(key, FitField.FixedNs),
                "per_byte_ns" => new FitParameter(key, FitField.PerByteNs),
                _ => throw Bad(command, $"--fit {name}: a cost's field is fixed_ns or per_byte_ns, not '{field}'"),
            };
        }
        if (DelayKeys.TryGet(key, out var delay))
        {
            if (!profile.Defines(delay)) throw Bad(command, $"--fit {name}: the profile does not set delay '{key}'");
            return field is "" or "ns" ? new FitParameter(key, FitField.DelayNs) : throw Bad(command, $"--fit {name}: a delay's field is ns, not '{field}'");
        }
        throw Bad(command, $"--fit: unknown key '{key}'{NearestName.Hint(key, known)}");
    }

    /// <summary>KEY+KEY2[:field]: costs only, each set in the profile, the field taken from the first when not named.</summary>
    private static FitParameter ParseTied(string command, string name, string keys, string field, CostProfile profile)
    {
        string[] parts = keys.Split('+');
        if (parts.Any(k => k.Length == 0)) throw Bad(command, $"--fit {name}: KEY+KEY names two or more keys");
        if (parts.Distinct(StringComparer.Ordinal).Count() < parts.Length) throw Bad(command, $"--fit {name}: a key is named twice");
        var first = Parse(command, field.Length == 0 ? parts[0] : $"{parts[0]}:{field}", profile);
        if (first.Field == FitField.DelayNs) throw Bad(command, $"--fit {name}: only costs can move together (KEY+KEY), not delays");
        foreach (string k in parts.Skip(1))
        {
            if (DelayKeys.TryGet(k, out _)) throw Bad(command, $"--fit {name}: {k} is not a cost; only costs can move together");
            var p = Parse(command, $"{k}:{first.YamlField}", profile);
            if (p.Value(profile) <= 0) throw Bad(command, $"--fit {name}: the profile's {k} is 0; a fit scales a positive starting value");
        }
        return first with { Tied = parts[1..] };
    }

    private static InputException Bad(string command, string problem) => CommandInputError.Of(command, problem);

    /// <summary>The parameter's value in <paramref name="profile"/>, in ns (per byte for per_byte_ns).</summary>
    public double Value(CostProfile profile) => Field switch
    {
        FitField.FixedNs => profile.Raw[Key].FixedPs / 1e3,
        FitField.PerByteNs => profile.Raw[Key].PerByteFs / 1e6,
        _ => profile.RawDelays[Key] / 1e3,
    };

    /// <summary>The value at the profile's resolution: integer ps (fixed, delay) or fs per byte.</summary>
    public long Units(double ns) => (long)Math.Round(ns * (Field == FitField.PerByteNs ? 1e6 : 1e3), MidpointRounding.ToEven);

    /// <summary><paramref name="ns"/> rounded to <paramref name="digits"/> significant digits and to the profile's resolution.</summary>
    public double Rounded(double ns, int digits)
    {
        if (ns <= 0) return 0;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(ns)) + 1 - digits);
        double r = Math.Round(ns / magnitude, MidpointRounding.ToEven) * magnitude;
        return Units(r) / (Field == FitField.PerByteNs ? 1e6 : 1e3);
    }

    /// <summary>Text for the YAML file: the value with no more decimals than needed.</summary>
    public string Text(double ns) => ((decimal)Units(ns) / (Field == FitField.PerByteNs ? 1_000_000m : 1_000m)).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary><paramref name="profile"/> with the given values (ns) set.</summary>
    public static CostProfile Apply(CostProfile profile, IReadOnlyList<FitParameter> parameters, IReadOnlyList<double> values)
    {
        var costs = new Dictionary<string, Cost>(StringComparer.Ordinal);
        var delays = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            long units = p.Units(values[i]);
            switch (p.Field)
            {
                case FitField.DelayNs:
                    delays[p.Key] = units;
                    break;
                default:
                    Set(costs, profile, p.Key, p.Field, units);
                    foreach (string k in p.Tied) // moved by the first key's factor, from its own value
                        Set(costs, profile, k, p.Field, p.Units(values[i] / p.Value(profile) * new FitParameter(k, p.Field).Value(profile)));
                    break;
            }
        }
        var result = profile.With(profile.Name, costs);
        return delays.Count == 0 ? result : result.WithDelays(delays);
    }

    private static void Set(Dictionary<string, Cost> costs, CostProfile profile, string key, FitField field, long units)
    {
        var c = costs.TryGetValue(key, out var seen) ? seen : profile.Raw[key];
        costs[key] = field == FitField.FixedNs ? c with { FixedPs = units } : c with { PerByteFs = units };
    }
}
