using Spectre.Console;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// The console a command writes to: the real terminal (colours, live progress, its own width) when stdout is one,
/// else plain text at <see cref="PlainWidth"/> columns (or $COLUMNS when set), so logs, pipes and tests read as a
/// 100-column terminal would show them.
/// </summary>
public static class Terminal
{
    /// <summary>Width of plain-text output when $COLUMNS does not say: what every table is made to fit.</summary>
    public const int PlainWidth = 100;

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
        console.Profile.Width = Width(Environment.GetEnvironmentVariable("COLUMNS"));
        return console;
    }

    /// <summary>$COLUMNS when it is a sensible width (40 to 1000), else <see cref="PlainWidth"/>.</summary>
    public static int Width(string? columns) =>
        int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int w) && w is >= 40 and <= 1000
            ? w : PlainWidth;

    /// <summary>True when live displays (progress bars) can redraw in place.</summary>
    public static bool IsLive(IAnsiConsole console) => console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;
}
