using Spectre.Console;
using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Output;
using NetSim.Experiments;
using NetSim.Reporting.Html;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>netsim report: DIR/report.html from what run, compare or sweep wrote to DIR.</summary>
public sealed class ReportCommand : Command<ReportSettings>
{
    public const string FileName = "report.html";

    private readonly Invocation _invocation;

    public ReportCommand(Invocation invocation) => _invocation = invocation;

    public override int Execute(CommandContext context, ReportSettings a, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(a.Directory)) throw CommandInputError.Of(ReportSettings.Name, $"{a.Directory}: no such directory");
        string path = Write(a.Directory, null);
        _invocation.Console.WriteLine($"wrote {path}");
        return ExitCodes.Ok;
    }

    /// <summary>Writes DIR/report.html (whole or not at all); bad input when DIR holds no netsim results.</summary>
    public static string Write(string dir, string? commandLine)
    {
        var data = ReportLoader.Load(dir, commandLine)
            ?? throw CommandInputError.Of(ReportSettings.Name, $"{dir} holds no netsim results (run.csv or sweep.csv); write them with --out");
        string path = Path.Combine(dir, FileName);
        AtomicFile.WriteAllText(path, HtmlReport.Render(data));
        return path;
    }
}
