using Spectre.Console;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// The console a command writes to: the real terminal (colours, live progress) when stdout is one, else plain
/// text at a fixed width so tables in logs and tests do not wrap.
/// </summary>
public static class Terminal
{
    /// <summary>Width of plain-text output (logs, pipes, tests).</summary>
    public const int PlainWidth = 160;

    public static IAnsiConsole For(TextWriter writer)
    {
        if (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected) return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = PlainWidth;
        return console;
    }

    /// <summary>True when live displays (progress bars) can redraw in place.</summary>
    public static bool IsLive(IAnsiConsole console) => console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;
}
