using System.Diagnostics;
using System.Text;

namespace NetSim.Testbed;

/// <summary>
/// Runs the testbed's commands (ip, iperf3, sockperf, iptables-restore) with a time limit: a command that runs too
/// long is killed with its children, never waited for forever. Long-running servers are started in the background
/// and remembered, so a cleanup (also on Ctrl+C) can kill every process the testbed started, by its id.
/// </summary>
public sealed class ProcessRunner
{
    private readonly List<Process> _background = new();
    private readonly object _lock = new();

    /// <summary>Every command run, in order, with its exit code (for the record of how a measurement was made).</summary>
    public List<string> Log { get; } = new();

    /// <summary>Runs <paramref name="file"/> to completion (or kills it after <paramref name="timeout"/>).</summary>
    public ProcessResult Run(string file, IReadOnlyList<string> args, TimeSpan timeout, string? stdin = null)
    {
        using var p = Create(file, args, stdin is not null);
        string command = CommandLine(file, args);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        try
        {
            p.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return Record(new ProcessResult(command, 127, "", $"cannot start {file}: {e.Message}", false));
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        bool exited = p.WaitForExit(timeout);
        if (!exited) Kill(p);
        p.WaitForExit(); // drains the redirected output
        lock (stdout) lock (stderr)
                return Record(new ProcessResult(command, exited ? p.ExitCode : -1, stdout.ToString(), stderr.ToString(), !exited));
    }

    /// <summary>Starts a server in the background; it runs until <see cref="Stop"/> or <see cref="KillAll"/>.</summary>
    public Process Start(string file, IReadOnlyList<string> args)
    {
        var p = Create(file, args, false);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        lock (_lock) _background.Add(p);
        lock (Log) Log.Add($"{CommandLine(file, args)} &");
        return p;
    }

    /// <summary>Kills one background process (and its children) and forgets it.</summary>
    public void Stop(Process p)
    {
        lock (_lock)
            if (!_background.Remove(p)) return; // a cleanup already stopped it
        Kill(p);
        try
        {
            p.WaitForExit(2000);
        }
        catch (InvalidOperationException)
        {
            // it never started or is already disposed
        }
        p.Dispose();
    }

    /// <summary>Kills every background process still running (cleanup; safe to call twice).</summary>
    public void KillAll()
    {
        Process[] all;
        lock (_lock)
        {
            all = _background.ToArray();
            _background.Clear();
        }
        foreach (var p in all)
        {
            Kill(p);
            p.WaitForExit(2000);
            p.Dispose();
        }
    }

    /// <summary>A command line as a shell would show it (arguments with spaces quoted).</summary>
    public static string CommandLine(string file, IEnumerable<string> args) =>
        string.Join(' ', new[] { file }.Concat(args).Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"'{a}'" : a));

    private ProcessResult Record(ProcessResult r)
    {
        lock (Log) Log.Add($"{r.Command} -> {(r.TimedOut ? "timed out" : r.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        return r;
    }

    private static Process Create(string file, IReadOnlyList<string> args, bool stdin)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        return new Process { StartInfo = info };
    }

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited between the check and the kill
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }
}
