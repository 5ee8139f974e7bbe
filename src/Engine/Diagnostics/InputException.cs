namespace NetSim.Engine.Diagnostics;

/// <summary>
/// Bad input (a scenario, profile, trace or command line): names the file, line and field so the user can fix
/// it. The CLI turns it into one clear line and exit code 2, never a stack trace.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string file, int line, string field, string problem)
        : base(Format(file, line, field, problem))
    {
        File = file;
        Line = line;
        Field = field;
        Problem = problem;
    }

    public InputException() : this("", 0, "", "bad input") { }
    public InputException(string message) : this("", 0, "", message) { }
    public InputException(string message, Exception inner) : base(message, inner)
    {
        File = "";
        Field = "";
        Problem = message;
    }

    public string File { get; } = "";
    /// <summary>1-based line, 0 when the problem is not tied to a line.</summary>
    public int Line { get; }
    /// <summary>The field's path, e.g. "cluster.nodes[2].nic.mtu".</summary>
    public string Field { get; } = "";
    public string Problem { get; } = "";

    private static string Format(string file, int line, string field, string problem)
    {
        string where = file.Length == 0 ? "" : line > 0 ? $"{file}:{line}: " : $"{file}: ";
        string what = field.Length == 0 ? "" : $"{field}: ";
        return where + what + problem;
    }
}
