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
/// KEY+OTHER+...[:field] ties costs together: one number is fitted and the others move with it, each keeping its
/// ratio to the first in the base profile (an estimate stated relative to a fitted cost stays so after the fit).
/// </summary>
public sealed record FitParameter(string Key, FitField Field)
{
    /// <summary>Costs moved with this one, each with its base value divided by this one's.</summary>
    public IReadOnlyList<(string Key, double Ratio)> Tied { get; init; } = [];

    public string Name => string.Concat(Key, string.Concat(Tied.Select(t => "+" + t.Key)), Field switch
    {
        FitField.FixedNs => ":fixed_ns",
        FitField.PerByteNs => ":per_byte_ns",
        _ => ":ns",
    });

    /// <summary>Every key this parameter sets, with its value as a multiple of the fitted one.</summary>
    public IEnumerable<(string Key, double Ratio)> Keys => Tied.Prepend((Key, 1.0));

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
            var p = ParseTied(command, name, profile);
            foreach (var (key, _) in p.Keys)
                if (result.Any(q => q.Field == p.Field && q.Keys.Any(k => k.Key == key))) throw Bad(command, $"--fit names {key}:{p.YamlField} twice");
            result.Add(p);
        }
        return result;
    }

    /// <summary>KEY or KEY+KEY+...[:field]: the first is fitted, the others keep their base ratio to it.</summary>
    private static FitParameter ParseTied(string command, string name, CostProfile profile)
    {
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        string field = colon >= 0 ? name[colon..] : "";
        string[] keys = (colon >= 0 ? name[..colon] : name).Split('+');
        var parts = keys.Select(k => Parse(command, k + field, profile)).ToList();
        var first = parts[0];
        foreach (var p in parts)
        {
            if (p.Value(profile) <= 0) throw Bad(command, $"--fit {p.Name}: the profile's value is 0; a fit scales a positive starting value");
            if (p.Field != first.Field || (parts.Count > 1 && p.Field == FitField.DelayNs))
                throw Bad(command, $"--fit {name}: tied keys must be costs fitted in the same field ({p.Name} is not {first.Name}'s)");
        }
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Length) throw Bad(command, $"--fit {name} names a key twice");
        return parts.Count == 1 ? first : first with { Tied = parts.Skip(1).Select(p => (p.Key, p.Value(profile) / first.Value(profile))).ToList() };
    }

    private static FitParameter Parse(string command, string name, CostProfile profile)
    {
        string key = name, field = "";
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) (key, field) = (name[..colon], name[(colon + 1)..]);
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
            if (p.Field == FitField.DelayNs)
            {
                delays[p.Key] = units;
                continue;
            }
            foreach (var (key, ratio) in p.Keys)
            {
                long u = ratio == 1.0 ? units : p.Units(values[i] * ratio);
                var c = costs.TryGetValue(key, out var seen) ? seen : profile.Raw[key];
                costs[key] = p.Field == FitField.FixedNs ? c with { FixedPs = u } : c with { PerByteFs = u };
            }
        }
        var result = profile.With(profile.Name, costs);
        return delays.Count == 0 ? result : result.WithDelays(delays);
    }
}
