using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// TCP streams with iperf3 between two namespaces: one server and one client with -P N, so the N streams start
/// together and the receiver's total (end.sum_received) covers one common window. Every process runs on the one
/// benchmark core, where one thread serving N sockets does the work N processes would (iperf3 before 3.16 runs a
/// test's streams in one thread; there is no second core to run more threads on).
/// </summary>
public sealed class Iperf3Runner
{
    /// <summary>iperf3's default port.</summary>
    public const int Port = 5201;
    private readonly ProcessRunner _runner;
    private readonly CpuPinning _pinning;

    public Iperf3Runner(ProcessRunner runner, CpuPinning pinning)
    {
        _runner = runner;
        _pinning = pinning;
    }

    /// <summary>The client command (for the record of how a row was measured).</summary>
    public string ClientCommand(string clientNs, string server, int streams, double seconds) =>
        ProcessRunner.CommandLine("ip", ClientArgs(clientNs, server, streams, seconds));

    /// <summary>Runs <paramref name="streams"/> streams for <paramref name="seconds"/>; returns the receiver's total.</summary>
    public Iperf3Result Run(string serverNs, string clientNs, string server, int streams, double seconds)
    {
        var serverProcess = _runner.Start("ip", [.. _pinning.Prefix(serverNs), "iperf3", "-s", "-1", "-B", server, "-p", PortText]);
        try
        {
            Thread.Sleep(300); // the server binds before the client connects
            var timeout = TimeSpan.FromSeconds(seconds + 15);
            var r = _runner.Run("ip", ClientArgs(clientNs, server, streams, seconds), timeout);
            if (r.TimedOut) throw new TestbedException($"iperf3 did not finish in {timeout.TotalSeconds:0} s: {r.Command}");
            return Iperf3Result.Parse(r.Stdout);
        }
        finally
        {
            _runner.Stop(serverProcess);
        }
    }

    private List<string> ClientArgs(string clientNs, string server, int streams, double seconds)
    {
        var args = new List<string>([.. _pinning.Prefix(clientNs), "iperf3", "-c", server, "-p", PortText, "-t", seconds.ToString("0.###", CultureInfo.InvariantCulture)]);
        if (streams > 1) args.AddRange(["-P", streams.ToString(CultureInfo.InvariantCulture)]);
        args.Add("-J");
        return args;
    }

    private static string PortText => Port.ToString(CultureInfo.InvariantCulture);
}
