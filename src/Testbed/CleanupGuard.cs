using System.Runtime.InteropServices;

namespace NetSim.Testbed;

/// <summary>
/// Removes everything the testbed created when the run ends in any way: normally (Dispose), on an exception (the
/// caller's using), and on Ctrl+C or kill (SIGINT, SIGTERM, SIGQUIT handlers, which clean up and then let the process
/// end as the signal asks). Cleanup stops the background processes the runner started, by their ids, and deletes every
/// namespace named with the testbed's prefix. Running it twice is harmless.
/// </summary>
public sealed class CleanupGuard : IDisposable
{
    private readonly ProcessRunner _runner;
    private readonly Action<string> _log;
    private readonly PosixSignalRegistration[] _signals;
    private readonly object _gate = new();
    private int _cleaned;

    /// <summary>Set when a signal arrived: nothing more may be created, even by a step that is under way.</summary>
    public static bool Stopping { get; private set; }

    public CleanupGuard(ProcessRunner runner, Action<string> log)
    {
        _runner = runner;
        _log = log;
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    /// <summary>Set once a signal arrived: the run stops at its next step.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Cleans up, then ends the process with 128 + the signal's number, as the shell expects of a killed command.</summary>
    private void OnSignal(PosixSignalContext context)
    {
        Stopping = true;
        Interrupted = true;
        context.Cancel = true;
        _log($"{context.Signal}: removing everything the testbed created");
        try
        {
            Cleanup();
        }
        catch (TestbedException e)
        {
            _log($"cleanup: {e.Message}");
        }
        Environment.Exit(128 + context.Signal switch { PosixSignal.SIGINT => 2, PosixSignal.SIGQUIT => 3, _ => 15 });
    }

    /// <summary>Stops the testbed's processes and deletes its namespaces; returns what it deleted.</summary>
    public IReadOnlyList<string> Cleanup()
    {
        lock (_gate) // a signal's cleanup and the run's own never race
        {
            _runner.KillAll();
            var removed = NamespaceTopology.RemoveLeftovers(_runner);
            Interlocked.Exchange(ref _cleaned, 1);
            return removed;
        }
    }

    public void Dispose()
    {
        lock (_gate)
            if (Volatile.Read(ref _cleaned) == 0 || NamespaceTopology.Leftovers(_runner).Count > 0) Cleanup();
        foreach (var s in _signals) s.Dispose();
    }
}
