namespace NetSim.Cli.Tests.Fuzz;

/// <summary>What one netsim invocation did: exit code (-1: killed at its time limit), output, time and memory.</summary>
internal sealed record CaseOutcome(int Code, string Stdout, string Stderr, TimeSpan Elapsed, long Bytes)
{
    public bool Accepted => Code == 0;
    public bool TimedOut => Code == -1;

    /// <summary>
    /// Why this outcome breaks the rule for bad input, or null: any exit but 0 and 2 (1 is a failed run: not
    /// allowed on a fuzz case either), a stack trace, a hang, more than the memory limit, more than one line or
    /// anything but "netsim: ..." on exit 2, and any output in <paramref name="outDir"/> on exit 2.
    /// </summary>
    public string? Problem(long memoryLimit, string? outDir)
    {
        if (TimedOut) return $"hang: no exit within {Elapsed.TotalSeconds:0} s";
        if (Stderr.Contains("   at ", StringComparison.Ordinal) || Stderr.Contains("Unhandled exception", StringComparison.Ordinal))
            return $"stack trace (exit {Code}): {First(Stderr, 600)}";
        if (Code is not (0 or 2)) return $"exit {Code}: {First(Stderr, 300)}";
        if (Bytes > memoryLimit) return $"used {Bytes >> 20} MiB, above the {memoryLimit >> 20} MiB limit";
        if (Code == 2)
        {
            string[] lines = Stderr.TrimEnd().Split('\n');
            if (lines.Length != 1 || !lines[0].StartsWith("netsim: ", StringComparison.Ordinal)) return $"exit 2 without one 'netsim: ' line: {First(Stderr, 300)}";
            if (outDir is not null && Directory.Exists(outDir)) return $"exit 2 but {outDir} was written";
        }
        return null;
    }

    private static string First(string s, int n) => s.Length <= n ? s : s[..n] + "...";
}
