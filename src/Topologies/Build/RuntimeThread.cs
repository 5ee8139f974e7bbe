using System.Runtime.ExceptionServices;

namespace NetSim.Topologies.Build;

/// <summary>
/// The container runtime's goroutine for one RunPodSandbox while the cluster runs: the CNI ADD runs on it, and a
/// plugin that must wait for the wire (the dhcp plugin's RPC to its daemon, answered when the lease is acquired)
/// blocks it while the simulation goes on, as the real call blocks. Only one of the two threads runs at any moment
/// (each hands over to the other and waits), so the run stays deterministic.
/// </summary>
public sealed class RuntimeThread : IDisposable
{
    [ThreadStatic] private static RuntimeThread? t_current;

    private readonly SemaphoreSlim _toSimulation = new(0);
    private readonly SemaphoreSlim _toRuntime = new(0);
    private Exception? _failure;
    private bool _finished;

    private RuntimeThread() { }

    /// <summary>The runtime thread the caller runs on, or null on the simulation's own thread (or while the cluster is built).</summary>
    public static RuntimeThread? Current => t_current;

    /// <summary>Runs <paramref name="body"/> on a new runtime thread until it finishes or blocks (then the simulation goes on).</summary>
    public static void Run(Action body)
    {
        var t = new RuntimeThread();
        var thread = new Thread(() =>
        {
            t_current = t;
            t._toRuntime.Wait();
            try
            {
                body();
            }
            catch (Exception e)
            {
                t._failure = e; // rethrown on the simulation's thread
            }
            t_current = null;
            t._finished = true;
            t._toSimulation.Release();
        }, 256 * 1024) { IsBackground = true, Name = "netsim-runtime" };
        thread.Start();
        t.Resume();
    }

    public void Dispose()
    {
        _toSimulation.Dispose();
        _toRuntime.Dispose();
    }

    /// <summary>On the runtime thread: hand over to the simulation until <see cref="Resume"/>.</summary>
    public void Block()
    {
        _toSimulation.Release();
        _toRuntime.Wait();
    }

    /// <summary>On the simulation's thread: what the runtime thread waited for happened; it runs until it blocks or finishes.</summary>
    public void Resume()
    {
        _toRuntime.Release();
        _toSimulation.Wait();
        if (_finished) Dispose();
        if (_failure is { } e)
        {
            _failure = null;
            ExceptionDispatchInfo.Throw(e);
        }
    }
}
