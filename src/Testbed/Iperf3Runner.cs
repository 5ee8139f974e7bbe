using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// TCP streams with iperf3 between two namespaces. iperf3 before 3.16 runs all of a test's streams in one thread,
/// so N streams are N client/server pairs on their own ports, started together; their receivers' goodputs add up.
/// </summary>
public sealed class Iperf3Runner
{
    /// <summary>iperf3's default port; pair i listens on BasePort + i.</summary>
    public const int BasePort = 5201;
    private readonly ProcessRunner _runner;
    private readonly CpuPinning _pinning;

    public Iperf3Runner(ProcessRunner runner, CpuPinning pinning)
    {
        _runner = runner;
        _pinning = pinning;
    }

    /// <summary>The client command of pair <paramref name="i"/> (for the record of how a row was measured).</summary>
    public string ClientCommand(string clientNs, string server, int i, double seconds) =>
        ProcessRunner.CommandLine("ip", ClientArgs(clientNs, server, i, seconds));

    /// <summary>Runs <paramref name="streams"/> single-stream pairs for <paramref name="seconds"/>; returns their summed goodput (bit/s) and each pair's result.</summary>
    public (double BitsPerSecond, IReadOnlyList<Iperf3Result> Pairs) Run(string serverNs, string clientNs, string server, int streams, double seconds)
    {
        var servers = new List<System.Diagnostics.Process>();
        try
        {
            for (int i = 0; i < streams; i++)
                servers.Add(_runner.Start("ip", [.. _pinning.Prefix(serverNs), "iperf3", "-s", "-1", "-B", server, "-p", Port(i)]));
            Thread.Sleep(300); // the servers bind before a client connects
            var timeout = TimeSpan.FromSeconds(seconds + 15);
            var clients = Enumerable.Range(0, streams)
                .Select(i => Task.Run(() => _runner.Run("ip", ClientArgs(clientNs, server, i, seconds), timeout))).ToArray();
            Task.WaitAll(clients);
            var results = clients.Select(c => c.Result).Select(r => r.TimedOut
                ? throw new TestbedException($"iperf3 did not finish in {timeout.TotalSeconds:0} s: {r.Command}")
                : Iperf3Result.Parse(r.Stdout)).ToList();
            return (results.Sum(r => r.ReceivedBitsPerSecond), results);
        }
        finally
        {
            foreach (var s in servers) _runner.Stop(s);
        }
    }

    private List<string> ClientArgs(string clientNs, string server, int i, double seconds) =>
        [.. _pinning.Prefix(clientNs), "iperf3", "-c", server, "-p", Port(i), "-t", seconds.ToString("0.###", CultureInfo.InvariantCulture), "-J"];

    private static string Port(int i) => (BasePort + i).ToString(CultureInfo.InvariantCulture);
}
