using System.Globalization;
using NetSim.Bench.Engine;

namespace NetSim.Bench;

/// <summary>
/// `--cpu-time`: runs the engine benchmarks' own setup and methods, timing each invocation with the thread's
/// CPU clock, and prints min and median ns per operation. A cross-check of BenchmarkDotNet's wall-clock numbers
/// when other work shares the cores.
/// </summary>
internal static class CpuTimeRunner
{
    private const int Warmups = 5;
    private const int Measurements = 15;

    public static void Run()
    {
        Console.WriteLine(ThreadCpuClock.IsThreadCpuTime ? "clock: thread CPU time" : "clock: wall time (no thread CPU clock here)");
        Console.WriteLine("| Benchmark | Min ns/op | Median ns/op | M ops/s (min) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (int pending in new[] { 1_000, 100_000 })
        {
            var hold = new HoldModelBenchmark { Pending = pending };
            hold.Setup();
            Report($"Engine hold, {pending} pending", () => hold.Hold(), HoldModelBenchmark.EventsPerInvoke);
            var skewed = new SkewedHoldBenchmark { Pending = pending };
            skewed.Setup();
            Report($"Engine skewed hold, {pending} pending", () => skewed.Hold(), HoldModelBenchmark.EventsPerInvoke);
            var queue = new PriorityQueueHoldBenchmark { Pending = pending };
            queue.Setup();
            Report($"PriorityQueue hold, {pending} pending", () => queue.Hold(), HoldModelBenchmark.EventsPerInvoke);
        }
        var mm1 = new MM1QueueBenchmark();
        mm1.Setup();
        Report("Engine M/M/1 (per customer)", () => mm1.MM1(), MM1QueueBenchmark.CustomersPerInvoke);
        foreach (bool drawn in new[] { false, true })
        {
            var path = new PacketPathBenchmarks { Variability = drawn };
            path.Setup();
            Report($"Packet path, per packet-hop{(drawn ? ", costs drawn" : "")}", path.CrossChain, PacketPathBenchmarks.HopsPerInvoke);
        }
    }

    private static void Report(string name, Action invoke, int operationsPerInvoke)
    {
        for (int i = 0; i < Warmups; i++) invoke();
        var perOp = new double[Measurements];
        for (int i = 0; i < Measurements; i++)
        {
            long start = ThreadCpuClock.NowNanoseconds();
            invoke();
            perOp[i] = (ThreadCpuClock.NowNanoseconds() - start) / (double)operationsPerInvoke;
        }
        Array.Sort(perOp);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {perOp[0]:F1} | {perOp[Measurements / 2]:F1} | {1e3 / perOp[0]:F1} |"));
    }
}
