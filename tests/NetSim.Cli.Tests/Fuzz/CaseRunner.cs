using System.Diagnostics;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Tests.Fuzz;

/// <summary>Runs netsim on a fuzz case, in this process (fast: the loader and validator) or as its own process (killable, memory-capped).</summary>
internal static class CaseRunner
{
    /// <summary>NETSIM_FUZZ_LOG=FILE: each case's command line is appended before it runs (to find one that kills the test host).</summary>
    private static readonly string? Log = Environment.GetEnvironmentVariable("NETSIM_FUZZ_LOG");

    private static void Trace(string[] args)
    {
        if (Log is not null) File.AppendAllText(Log, string.Join(' ', args) + "\n");
    }

    /// <summary>
    /// netsim in-process on its own thread, with a time limit (a case still running then is a hang; its thread is
    /// abandoned) and the bytes it allocated measured. An exception netsim lets through is a crash, reported as a
    /// stack trace would be.
    /// </summary>
    public static CaseOutcome InProcess(IScenarioRunner runner, string[] args, TimeSpan limit)
    {
        Trace(args);
        var sw = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var (code, stdout, stderr) = CliHarness.Run(runner, args);
                return new CaseOutcome(code, stdout, stderr, sw.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
            }
#pragma warning disable CA1031 // a fuzz case that throws anything is the finding itself
            catch (Exception e)
#pragma warning restore CA1031
            {
                return new CaseOutcome(134, "", $"Unhandled exception. {e}", sw.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }, TaskCreationOptions.LongRunning);
        var result = task.Wait(limit) ? task.Result : new CaseOutcome(-1, "", "", sw.Elapsed, 0);
        if (Log is not null) File.AppendAllText(Log, $"  -> {result.Code} in {result.Elapsed.TotalSeconds:0.00} s, {result.Bytes >> 20} MiB\n");
        return result;
    }

    /// <summary>The real netsim command as a process: killed at the time limit; its GC heap capped so a runaway case fails instead of filling the machine.</summary>
    public static CaseOutcome Process(string[] args, TimeSpan limit, long heapLimit)
    {
        Trace(args);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netsim.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x" + heapLimit.ToString("X", System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var sw = Stopwatch.StartNew();
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new CaseOutcome(-1, "", "", sw.Elapsed, 0);
        }
        p.WaitForExit();
        return new CaseOutcome(p.ExitCode, stdout.Result, stderr.Result, sw.Elapsed, 0);
    }
}
