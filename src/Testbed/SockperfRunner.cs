using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// TCP_RR with sockperf: a server in one namespace, ping-pong from the other with fixed-size messages, reporting
/// full round trips (--full-rtt). The server also serves as the listener connection-setup probes connect to.
/// </summary>
public sealed class SockperfRunner
{
    /// <summary>sockperf's default port.</summary>
    public const int Port = 11111;
    private readonly ProcessRunner _runner;
    private readonly CpuPinning _pinning;

    public SockperfRunner(ProcessRunner runner, CpuPinning pinning)
    {
        _runner = runner;
        _pinning = pinning;
    }

    /// <summary>Starts a TCP server bound to <paramref name="address"/> in <paramref name="ns"/>; stop it with the runner.</summary>
    public System.Diagnostics.Process StartServer(string ns, string address)
    {
        var p = _runner.Start("ip", [.. _pinning.Prefix(ns), "sockperf", "server", "--tcp", "-i", address, "-p", Port.ToString(CultureInfo.InvariantCulture)]);
        Thread.Sleep(300); // listening before anyone connects
        return p;
    }

    public string PingPongCommand(string clientNs, string server, int messageBytes, double seconds) =>
        ProcessRunner.CommandLine("ip", PingPongArgs(clientNs, server, messageBytes, seconds));

    /// <summary>Ping-pong against a running server; the round-trip statistics.</summary>
    public SockperfResult PingPong(string clientNs, string server, int messageBytes, double seconds)
    {
        var r = _runner.Run("ip", PingPongArgs(clientNs, server, messageBytes, seconds), TimeSpan.FromSeconds(seconds + 15));
        if (r.TimedOut) throw new TestbedException($"sockperf did not finish: {r.Command}");
        return SockperfResult.Parse(r.Stdout + r.Stderr);
    }

    private List<string> PingPongArgs(string clientNs, string server, int messageBytes, double seconds) =>
        [.. _pinning.Prefix(clientNs), "sockperf", "ping-pong", "--tcp", "-i", server, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-m", messageBytes.ToString(CultureInfo.InvariantCulture), "-t", Math.Max(1, (int)Math.Ceiling(seconds)).ToString(CultureInfo.InvariantCulture), "--full-rtt"];
}
