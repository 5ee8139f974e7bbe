using System.Globalization;
using NetSim.Experiments;

namespace NetSim.Cli.CommandLine;

/// <summary>Option values read as numbers and lists, with the one-line message bad input gets ("--seed must be ...").</summary>
public static class OptionValues
{
    public static ulong? NonNegative(string command, string option, string? text)
    {
        if (text is null) return null;
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u)
            ? u : throw CommandInputError.Of(command, $"{option} must be a non-negative whole number, not '{text}'");
    }

    public static int? Bounded(string command, string option, string? text, int min, int max)
    {
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int i))
            throw CommandInputError.Of(command, $"{option} must be a whole number, not '{text}'");
        return i >= min && i <= max ? i : throw CommandInputError.Of(command, $"{option} must be between {min} and {max}, not {i}");
    }

    /// <summary>A comma-separated list ("host,flannel-vxlan"); empty items are ignored.</summary>
    public static IReadOnlyList<string> List(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
