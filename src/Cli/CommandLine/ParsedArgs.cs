using NetSim.Engine.Diagnostics;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// A command's arguments: positionals and --options (repeatable ones collect every value). Unknown options and
/// missing values are bad input: one clear line, exit code 2.
/// </summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = new();

    /// <param name="valued">Options that take a value (e.g. "--out").</param>
    /// <param name="flags">Options that take none (e.g. "--resume").</param>
    public static ParsedArgs Parse(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        var parsed = new ParsedArgs();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                parsed.Positionals.Add(a);
                continue;
            }
            string name = a, value = "";
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) (name, value) = (a[..eq], a[(eq + 1)..]);
            if (flags.Contains(name))
            {
                if (eq > 0) throw Bad(command, $"{name} takes no value");
                parsed._flags.Add(name);
                continue;
            }
            if (!valued.Contains(name))
                throw Bad(command, $"unknown option {name}; see 'netsim {command} --help'");
            if (eq < 0)
            {
                if (i + 1 >= args.Count) throw Bad(command, $"{name} needs a value");
                value = args[++i];
            }
            if (!parsed._options.TryGetValue(name, out var list)) parsed._options[name] = list = new List<string>();
            list.Add(value);
        }
        return parsed;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _options.TryGetValue(name, out var l) ? l[^1] : null;

    public IReadOnlyList<string> Values(string name) => _options.TryGetValue(name, out var l) ? l : Array.Empty<string>();

    public ulong? UnsignedValue(string command, string name)
    {
        string? v = Value(name);
        if (v is null) return null;
        return ulong.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong u)
            ? u : throw Bad(command, $"{name} must be a non-negative whole number, not '{v}'");
    }

    public int? IntValue(string command, string name, int min, int max)
    {
        string? v = Value(name);
        if (v is null) return null;
        if (!int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i))
            throw Bad(command, $"{name} must be a whole number, not '{v}'");
        return i >= min && i <= max ? i : throw Bad(command, $"{name} must be between {min} and {max}, not {i}");
    }

    /// <summary>A comma-separated list ("host,flannel-vxlan"); empty items are ignored.</summary>
    public IReadOnlyList<string> ListValue(string name) =>
        Value(name) is { } v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : Array.Empty<string>();

    /// <summary>The one positional a command needs (the scenario file).</summary>
    public string SinglePositional(string command, string what)
    {
        if (Positionals.Count == 0) throw Bad(command, $"missing {what}; see 'netsim {command} --help'");
        if (Positionals.Count > 1) throw Bad(command, $"unexpected argument '{Positionals[1]}'");
        return Positionals[0];
    }

    public static InputException Bad(string command, string problem) => new("netsim " + command, 0, "", problem);
}
