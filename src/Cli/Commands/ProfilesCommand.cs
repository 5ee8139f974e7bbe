using NetSim.Experiments;
using NetSim.Cli.CommandLine;
using NetSim.Engine.Costs;
using Spectre.Console;
using Spectre.Console.Cli;
using NetSim.Cli.CommandLine.Settings;

namespace NetSim.Cli.Commands;

/// <summary>netsim profiles: lists the cost profiles found, or one profile's every number with its source.</summary>
public sealed class ProfilesCommand : Command<ProfilesSettings>
{
    private readonly Invocation _invocation;

    public ProfilesCommand(Invocation invocation) => _invocation = invocation;

    public override int Execute(CommandContext context, ProfilesSettings a, CancellationToken cancellationToken)
    {
        var console = _invocation.Console;
        if (a.Profile is null) return List(console);
        var profile = ProfileLocator.Load(a.Profile, null);
        var table = new Table().Title($"profile {Markup.Escape(profile.Name)} (cpu_scale {profile.CpuScale})").AddColumns("key", "fixed ns", "per byte ns", "source");
        foreach (var (key, cost) in profile.Raw.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(key), Ns(cost.FixedPs), (cost.PerByteFs / 1e6).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(profile.Sources.TryGetValue(key, out var src) ? src : ""));
        foreach (var (key, ps) in profile.RawDelays.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(key + " (delay)"), Ns(ps), "", Markup.Escape(profile.Sources.TryGetValue(key, out var src) ? src : ""));
        console.Write(table);
        console.WriteLine($"variability: {profile.Variability} (profiles/README.md, \"Variability\"; --exact-costs ignores its spreads and wakeups)");
        return ExitCodes.Ok;
    }

    private static int List(IAnsiConsole console)
    {
        var table = new Table().AddColumns("profile", "file", "description");
        foreach (string dir in ProfileLocator.SearchDirectories(null).Where(Directory.Exists))
            foreach (string f in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
            {
                var p = CostProfileLoader.Load(f);
                table.AddRow(Markup.Escape(p.Name), Markup.Escape(f), Markup.Escape(p.Description ?? ""));
            }
        console.Write(table);
        return ExitCodes.Ok;
    }

    private static string Ns(long ps) => (ps / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
