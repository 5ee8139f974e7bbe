using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// Spectre.Console.Cli's help with netsim's text: the list of commands shows each one's summary line, a command's
/// help its whole description (reflowed to the terminal's width), and examples are shown as typed, quoted for a
/// shell, so each can be pasted (and a test runs every one).
/// </summary>
internal sealed class NetsimHelp : HelpProvider
{
    private readonly IReadOnlyDictionary<string, CommandSpec> _specs;

    public NetsimHelp(ICommandAppSettings settings, IReadOnlyDictionary<string, CommandSpec> specs) : base(settings) => _specs = specs;

    public override IEnumerable<IRenderable> GetHeader(ICommandModel model, ICommandInfo? command) =>
        command is null ? [new Text("netsim: a packet-level simulator of Kubernetes cluster networking."), Text.NewLine, Text.NewLine] : [];

    public override IEnumerable<IRenderable> GetDescription(ICommandModel model, ICommandInfo? command)
    {
        if (command is null || !_specs.TryGetValue(command.Name, out var spec)) return [];
        return [new Markup("[yellow]DESCRIPTION:[/]"), Text.NewLine, new Text(HelpText.Reflow(spec.Description)), Text.NewLine, Text.NewLine];
    }

    public override IEnumerable<IRenderable> GetExamples(ICommandModel model, ICommandInfo? command)
    {
        var examples = command is null ? _specs.Values.Select(s => s.Examples[0]).ToList()
            : _specs.TryGetValue(command.Name, out var spec) ? spec.Examples.ToList() : [];
        if (examples.Count == 0) return [];
        var lines = new List<IRenderable> { new Markup("[yellow]EXAMPLES:[/]"), Text.NewLine };
        lines.AddRange(examples.Select(e => (IRenderable)new UnwrappedLine("    " + e)));
        return lines;
    }

    public override IEnumerable<IRenderable> GetCommands(ICommandModel model, ICommandInfo? command)
    {
        if (command is not null) return [];
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(4).PadRight(2).NoWrap()).AddColumn();
        foreach (var spec in _specs.Values) grid.AddRow(new Text(spec.Name), new Text(spec.Summary));
        return [new Markup("[yellow]COMMANDS:[/]"), Text.NewLine, grid, Text.NewLine];
    }

    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command) =>
        command is null
            ? [new Text("'netsim COMMAND --help' shows a command's options and examples. Exit codes: 0 ok, 1 a run failed an invariant (or stopped with an error), 2 bad input."), Text.NewLine]
            : [];
}

/// <summary>A line written as it is, never wrapped: an example broken over two lines could not be pasted.</summary>
internal sealed class UnwrappedLine(string text) : Renderable
{
    protected override Measurement Measure(RenderOptions options, int maxWidth) => new(text.Length, text.Length);

    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => [new Segment(text), Segment.LineBreak];
}
