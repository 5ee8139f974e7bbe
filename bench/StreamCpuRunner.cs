using System.Globalization;

namespace NetSim.Bench;

/// <summary>
/// `--stream-cpu`: the 10 Gbit/s single stream of <see cref="SingleStreamCliBenchmarks"/> (one simulated second
/// through the real `netsim run`, in process), each invocation timed with the calling thread's CPU clock after a
/// warm-up, so neither the JIT's threads nor time spent descheduled on a shared machine count. Prints min and median
/// seconds of thread CPU per invocation (per simulated second).
/// </summary>
internal static class StreamCpuRunner
{
    private const int Warmups = 2;
    private const int Measurements = 5;

    public static void Run()
    {
        Console.WriteLine(ThreadCpuClock.IsThreadCpuTime ? "clock: thread CPU time" : "clock: wall time (no thread CPU clock here)");
        Console.WriteLine("| datapath | min s per simulated s | median s |");
        Console.WriteLine("|---|---:|---:|");
        foreach (string datapath in new[] { "host", "flannel-vxlan" })
        {
            var bench = new SingleStreamCliBenchmarks { Datapath = datapath };
            bench.Setup();
            try
            {
                for (int i = 0; i < Warmups; i++) bench.NetsimRunOneSimulatedSecond();
                var seconds = new double[Measurements];
                for (int i = 0; i < Measurements; i++)
                {
                    long start = ThreadCpuClock.NowNanoseconds();
                    bench.NetsimRunOneSimulatedSecond();
                    seconds[i] = (ThreadCpuClock.NowNanoseconds() - start) / 1e9;
                }
                Array.Sort(seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {datapath} | {seconds[0]:F3} | {seconds[Measurements / 2]:F3} |"));
            }
            finally
            {
                bench.Cleanup();
            }
        }
    }
}
