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
    private int _cleaned;

    public CleanupGuard(ProcessRunner runner, Action<string> log)
    {
        _runner = runner;
        _log = log;
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    /// <summary>Set once a signal arrived: the run stops at its next step.</summary>
    public bool Interrupted { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        Interrupted = true;
        _log($"{context.Signal}: removing everything the testbed created");
        Cleanup();
    }

    /// <summary>Stops the testbed's processes and deletes its namespaces; returns what it deleted.</summary>
    public IReadOnlyList<string> Cleanup()
    {
        _runner.KillAll();
        var removed = NamespaceTopology.RemoveLeftovers(_runner);
        Interlocked.Exchange(ref _cleaned, 1);
        return removed;
    }

    public void Dispose()
    {
        if (Volatile.Read(ref _cleaned) == 0 || NamespaceTopology.Leftovers(_runner).Count > 0) Cleanup();
        foreach (var s in _signals) s.Dispose();
    }
}
