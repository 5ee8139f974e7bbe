using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace NetSim.Cli.CommandLine;

/// <summary>
/// Progress of a command that runs many simulations: runs done of the total, time elapsed and an estimate of the
/// time left. On a terminal it is a live bar that redraws in place; otherwise one line per finished run on
/// stderr, so that stdout piped to a file holds the results only.
/// </summary>
public sealed class ProgressReporter
{
    private readonly TextWriter _stderr;
    private readonly IAnsiConsole? _live;

    public ProgressReporter(TextWriter stderr, IAnsiConsole? live)
    {
        _stderr = stderr;
        _live = live;
    }

    /// <summary>Runs <paramref name="work"/>, which calls the step it is given once per finished unit (with what finished).</summary>
    public T Track<T>(string what, int total, Func<Action<string>, T> work)
    {
        var clock = Stopwatch.StartNew();
        int done = 0;
        if (_live is null)
        {
            return work(label =>
            {
                int d = Interlocked.Increment(ref done);
                string line = Line(what, d, total, label, clock.Elapsed);
                lock (_stderr) _stderr.WriteLine(line);
            });
        }
        return _live.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape($"{what}: 0/{total}"), maxValue: Math.Max(1, total));
                return work(label =>
                {
                    int d = Interlocked.Increment(ref done);
                    lock (task)
                    {
                        task.Increment(1);
                        task.Description = Markup.Escape($"{what}: {d}/{total} ({label})");
                    }
                });
            });
    }

    /// <summary>"compare: 3/12 runs, flannel-vxlan done; 2.1 s elapsed, about 6 s left".</summary>
    public static string Line(string what, int done, int total, string label, TimeSpan elapsed)
    {
        double s = elapsed.TotalSeconds;
        string left = done >= total ? "" : $", about {Seconds(s / done * (total - done))} left";
        return $"{what}: {done}/{total}, {label}; {Seconds(s)} elapsed{left}";
    }

    private static string Seconds(double s) =>
        s >= 120 ? $"{Math.Floor(s / 60).ToString("0", CultureInfo.InvariantCulture)} min {(s % 60).ToString("00", CultureInfo.InvariantCulture)} s"
                 : s.ToString(s >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + " s";
}
