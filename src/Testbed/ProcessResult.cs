namespace NetSim.Testbed;

/// <summary>What a finished command left: its exit code, its output, and whether it was killed for running too long.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The first line of stderr (or stdout), for one-line error messages.</summary>
    public string FirstErrorLine
    {
        get
        {
            string text = Stderr.Trim().Length > 0 ? Stderr : Stdout;
            string line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
            return TimedOut ? $"timed out{(line.Length > 0 ? ": " + line : "")}" : line.Length > 0 ? line : $"exit code {ExitCode}";
        }
    }
}
