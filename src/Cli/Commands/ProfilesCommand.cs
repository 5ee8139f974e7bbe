using NetSim.Experiments;
using NetSim.Cli.CommandLine;
using NetSim.Engine.Costs;
using Spectre.Console;

namespace NetSim.Cli.Commands;

/// <summary>netsim profiles: lists the cost profiles found, or one profile's every number with its source.</summary>
public sealed class ProfilesCommand : ICommand
{
    public string Name => "profiles";
    public string Summary => "list cost profiles, or show one profile's costs and their sources";
    public string Help => """
        usage: netsim profiles [NAME|PATH]

        Without an argument, lists the profiles found (in ./profiles and beside the netsim binary). With one,
        prints every cost and delay of that profile with the source it cites.

        examples:
          netsim profiles
          netsim profiles default
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, [], []);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        if (a.Positionals.Count == 0) return List(console);
        var profile = ProfileLocator.Load(a.SinglePositional(Name, "profile"), null);
        var table = new Table().Title($"profile {profile.Name} (cpu_scale {profile.CpuScale})").AddColumns("key", "fixed ns", "per byte ns", "source");
        foreach (var (key, cost) in profile.Raw.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            table.AddRow(key, Ns(cost.FixedPs), (cost.PerByteFs / 1e6).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(profile.Sources.TryGetValue(key, out var src) ? src : ""));
        foreach (var (key, ps) in profile.RawDelays.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            table.AddRow(key + " (delay)", Ns(ps), "", Markup.Escape(profile.Sources.TryGetValue(key, out var src) ? src : ""));
        console.Write(table);
        return ExitCodes.Ok;
    }

    private static int List(IAnsiConsole console)
    {
        var table = new Table().AddColumns("profile", "file", "description");
        foreach (string dir in ProfileLocator.SearchDirectories(null).Where(Directory.Exists))
            foreach (string f in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
            {
                var p = CostProfileLoader.Load(f);
                table.AddRow(p.Name, f, Markup.Escape(p.Description ?? ""));
            }
        console.Write(table);
        return ExitCodes.Ok;
    }

    private static string Ns(long ps) => (ps / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
