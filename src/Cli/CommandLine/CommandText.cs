namespace NetSim.Cli.CommandLine;

/// <summary>A command line as one copy-pasteable string (arguments with spaces or quotes single-quoted), for command.txt.</summary>
public static class CommandText
{
    public static string Of(string command, IEnumerable<string> args) =>
        string.Join(' ', new[] { "netsim", command }.Concat(args.Select(Quote)));

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,:@[]+".Contains(c, StringComparison.Ordinal))
            ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
