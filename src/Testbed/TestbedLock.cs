namespace NetSim.Testbed;

/// <summary>
/// One testbed at a time on a machine: every run builds the same namespaces (nstb-*), removes what it takes for an
/// earlier run's leftovers, and measures on the same core, so a second run would tear down the first one's
/// namespaces and share its core. A run holds an exclusive lock on a file in /run/lock (flock, through .NET's
/// FileShare.None) while it measures; a second run waits for it, saying so. The kernel drops the lock when the
/// holder exits, however it exits, so a killed run never leaves a stale lock behind.
/// </summary>
public sealed class TestbedLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private readonly FileStream _file;

    private TestbedLock(FileStream file) => _file = file;

    /// <summary>The lock file: /run/lock where the system has it (a tmpfs cleared at boot), else the temporary directory.</summary>
    public static string FilePath => Path.Combine(Directory.Exists("/run/lock") ? "/run/lock" : Path.GetTempPath(), "netsim-testbed.lock");

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> for a run that holds it (logged once).</summary>
    public static TestbedLock Acquire(TimeSpan timeout, Action<string> log)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            try
            {
                return new TestbedLock(new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (waited.Elapsed < timeout)
            {
                if (!told) log($"another netsim testbed is running (it holds {FilePath}): waiting for it to finish");
                told = true;
                Thread.Sleep(Poll);
            }
            catch (IOException e)
            {
                throw new TestbedException($"another netsim testbed held {FilePath} for {timeout.TotalMinutes:0} minutes: {e.Message}", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TestbedException($"cannot open the testbed's lock {FilePath}: {e.Message}", e);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
