using NetSim.Cli.CommandLine;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

/// <summary>What a person reads on a terminal: tables that fit, full names, nothing invisible, suggestions for typos.</summary>
public sealed class TerminalOutputTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static bool HasInvisible(string s) => s.Any(c => c is '\u2060' or '\u200b' or '\u200c' or '\u200d' or '\ufeff');

    [Fact]
    public void Compare_of_twelve_datapaths_fits_100_columns_with_full_names_and_datapaths_as_rows()
    {
        var all = DatapathNames.All.Where(d => d != "host").Take(11).Prepend("host").ToList();
        Assert.Equal(12, all.Count);
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "compare", _h.ScenarioFile, "--datapaths", string.Join(',', all), "--no-charts");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 100, $"{l.Length} columns: {l}"));
        // A row per datapath, its full name at the start of the row (never cut to "flannel-…").
        foreach (string d in all)
            Assert.Contains(lines, l => l.StartsWith($"│ {(d == "host" ? "host (baseline)" : d)} ", StringComparison.Ordinal));
        Assert.DoesNotContain("…", stdout, StringComparison.Ordinal);
        Assert.False(HasInvisible(stdout));
        Assert.Contains("service:web-0:80", stdout, StringComparison.Ordinal); // pasted back, it works
    }

    [Fact]
    public void Wide_puts_every_metric_of_a_group_in_one_table()
    {
        var (_, narrow, _) = CliHarness.Run(new FormulaRunner(), "compare", _h.ScenarioFile, "--no-charts");
        var (code, wide, stderr) = CliHarness.Run(new FormulaRunner(), "compare", _h.ScenarioFile, "--no-charts", "--wide");
        Assert.True(code == 0, stderr);
        Assert.Contains(", 1 of 2", narrow, StringComparison.Ordinal);
        Assert.DoesNotContain(" of 2", wide, StringComparison.Ordinal);
        Assert.Contains(wide.Split('\n'), l => l.Length > 100);
    }

    [Fact]
    public void Run_fits_100_columns_and_shows_no_latency_for_a_stream()
    {
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile);
        Assert.True(code == 0, stderr);
        Assert.All(stdout.Split('\n'), l => Assert.True(l.Length <= 100, $"{l.Length} columns: {l}"));
        Assert.False(HasInvisible(stdout));
        Assert.Contains("latency per transaction", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_goes_to_stderr_and_stdout_keeps_the_results()
    {
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "compare", _h.ScenarioFile, "--no-charts", "--jobs", "1");
        Assert.True(code == 0, stderr);
        var progress = stderr.TrimEnd().Split('\n');
        Assert.Equal(3, progress.Length);
        Assert.Matches(@"^compare overlay: 1/3, host ran in [0-9.]+ s; [0-9.]+ s elapsed, about [0-9.]+ s left$", progress[0]);
        Assert.Matches(@"^compare overlay: 3/3, calico-ipip ran in [0-9.]+ s; [0-9.]+ s elapsed$", progress[2]);
        Assert.DoesNotContain("elapsed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_wraps_to_the_terminal_width()
    {
        foreach (string width in new[] { "80", "60" })
        {
            Assert.Equal(int.Parse(width, System.Globalization.CultureInfo.InvariantCulture), Terminal.Width(width));
        }
        Assert.Equal(Terminal.PlainWidth, Terminal.Width(null));
        Assert.Equal(Terminal.PlainWidth, Terminal.Width("wide"));
        var (_, help, _) = CliHarness.Run(new FormulaRunner(), "trace", "--help");
        // Paragraphs are reflowed, not pre-wrapped: the description's first sentence is on one line up to the width.
        Assert.Contains("Builds the scenario's cluster, sends request/response exchanges from A to B", help, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_sends_to_the_port_asked_for()
    {
        var runner = new FormulaRunner();
        var (code, stdout, stderr) = CliHarness.Run(runner, "trace", _h.ScenarioFile, "--from", "pod:client", "--to", "pod:server", "--port", "5201");
        Assert.True(code == 0, stderr);
        Assert.Equal(5201, runner.LastTrace!.Port);
        Assert.True(runner.LastTrace.SteadyState);
        Assert.Contains("(tcp port 5201)", stdout, StringComparison.Ordinal);
        Assert.Equal(0, CliHarness.Run(runner, "trace", _h.ScenarioFile, "--from", "pod:client", "--to", "service:web-0:80", "--port", "81", "--first").Code);
        Assert.Equal(81, runner.LastTrace!.Port);
        Assert.False(runner.LastTrace.SteadyState);
    }
}
