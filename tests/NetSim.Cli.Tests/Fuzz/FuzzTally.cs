using System.Globalization;

namespace NetSim.Cli.Tests.Fuzz;

/// <summary>The fuzz suite's counts, and the first failures with what reproduces each.</summary>
internal sealed class FuzzTally
{
    private readonly object _lock = new();

    public int Cases { get; private set; }
    public int Accepted { get; private set; }
    public int Rejected { get; private set; }
    public int Processes { get; private set; }
    public int Runs { get; private set; }
    public int Crashes { get; private set; }
    public int Hangs { get; private set; }
    public int SilentAccepts { get; private set; }
    public int OutputsOnBadInput { get; private set; }
    public int OverMemory { get; private set; }
    public List<string> Failures { get; } = [];
    public Dictionary<string, int> ByInput { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts one case of <paramref name="input"/>; a problem (see <see cref="CaseOutcome.Problem"/>) is a failure.</summary>
    public void Add(string input, string what, CaseOutcome outcome, string? problem, bool process = false)
    {
        lock (_lock)
        {
            Cases++;
            ByInput[input] = ByInput.GetValueOrDefault(input) + 1;
            if (process) Processes++;
            if (outcome.Code == 0) Accepted++;
            else if (outcome.Code == 2) Rejected++;
            if (problem is null) return;
            if (problem.StartsWith("hang", StringComparison.Ordinal)) Hangs++;
            else if (problem.Contains("was written", StringComparison.Ordinal)) OutputsOnBadInput++;
            else if (problem.StartsWith("used ", StringComparison.Ordinal)) OverMemory++;
            else Crashes++;
            Fail($"{input}: {what}: {problem}");
        }
    }

    /// <summary>A case validate accepted and run refused (or failed): the one rule validate exists for.</summary>
    public void SilentAccept(string input, string what, CaseOutcome run)
    {
        lock (_lock)
        {
            SilentAccepts++;
            Fail($"{input}: {what}: validate accepted it, run exited {run.Code}: {run.Stderr.Trim()}");
        }
    }

    public void CountRun()
    {
        lock (_lock) Runs++;
    }

    private void Fail(string message)
    {
        if (Failures.Count < 20) Failures.Add(message);
    }

    public string Summary(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"fuzz: {Cases} cases ({string.Join(", ", ByInput.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Value} {kv.Key}"))}; {Processes} as netsim processes, {Runs} validated-then-run) in {elapsed.TotalSeconds:0} s: " +
        $"{Accepted} accepted, {Rejected} refused with exit 2; {Crashes} crashes, {Hangs} hangs, {SilentAccepts} silent accepts, {OutputsOnBadInput} outputs on exit 2, {OverMemory} over the memory limit");
}
