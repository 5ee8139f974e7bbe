using System.Reflection;
using NetSim.Engine.Diagnostics;
using NetSim.Experiments;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// Checks a command line's command and option names before Spectre parses it, so that a misspelt one gets one line
/// with the nearest known name ("unknown option --dataptah (did you mean '--datapath'?)").
/// </summary>
public static class OptionCheck
{
    /// <summary>Throws bad input for an unknown command or option; returns the settings type of the command.</summary>
    public static void Check(IReadOnlyList<string> args, IReadOnlyDictionary<string, Type> commands)
    {
        if (!commands.TryGetValue(args[0], out var settings))
            throw new InputException($"unknown command '{args[0]}'{NearestName.Suggestion(args[0], commands.Keys)}; commands: {string.Join(", ", commands.Keys)}");
        var known = Options(settings);
        foreach (string a in args.Skip(1))
        {
            if (IsShortOption(a))
                throw CommandInputError.Of(args[0], $"unknown option {a}: netsim has no short options but -h; see 'netsim {args[0]} --help'");
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--") continue;
            string name = a.Split('=', 2)[0];
            if (!known.Contains(name) && name != "--help")
                throw CommandInputError.Of(args[0], $"unknown option {name}{NearestName.Suggestion(name, known)}; see 'netsim {args[0]} --help'");
        }
    }

    /// <summary>"-o", "-x5": a single dash and a letter (a negative number such as -1 is a value, not an option).</summary>
    private static bool IsShortOption(string a) =>
        a.Length >= 2 && a[0] == '-' && char.IsAsciiLetter(a[1]) && a != "-h";

    /// <summary>Every long option of a settings type ("--out"), its base classes' included.</summary>
    public static IReadOnlyCollection<string> Options(Type settings) =>
        settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .SelectMany(p => p.GetCustomAttribute<CommandOptionAttribute>()?.LongNames ?? [])
            .Select(n => "--" + n).ToHashSet(StringComparer.Ordinal);
}
