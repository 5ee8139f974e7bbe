using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NetSim.Testbed;

/// <summary>
/// Connection setup time, as TCP_CRR's connect() sees it: a thread inside the client's namespace, pinned to the
/// benchmark core at the benchmark's nice (its session's autogroup raised too, <see cref="AutogroupBoost"/>), opens connections one after another to a listening server and times each blocking connect()
/// (SYN out, SYN-ACK back, ACK out), then resets the connection (SO_LINGER 0, so no TIME_WAIT piles up). The first
/// connections are warm-up (neighbour resolution, caches) and not counted.
/// </summary>
public static class ConnectProbe
{
    public const int WarmupConnections = 20;

    /// <summary>Connect times in µs of <paramref name="connections"/> connections after the warm-up.</summary>
    public static IReadOnlyList<double> Measure(string clientNs, IPEndPoint server, int connections, CpuPinning pinning, TimeSpan timeout)
    {
        var samples = new List<double>(connections);
        Exception? failure = null;
        using var boost = new AutogroupBoost(pinning.Nice);
        var thread = new Thread(() =>
        {
            try
            {
                LinuxNetns.Enter(clientNs);
                LinuxNetns.PinTo(pinning.Core);
                LinuxNetns.Renice(pinning.Nice);
                for (int i = 0; i < WarmupConnections + connections; i++)
                {
                    double us = ConnectOnce(server);
                    if (i >= WarmupConnections) samples.Add(us);
                }
            }
            catch (Exception e) when (e is SocketException or TestbedException or IOException or UnauthorizedAccessException)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "connect probe" };
        thread.Start();
        if (!thread.Join(timeout)) throw new TestbedException($"the connect probe in {clientNs} did not finish in {timeout.TotalSeconds:0} s");
        if (failure is not null) throw new TestbedException($"connect probe from {clientNs} to {server}: {failure.Message}", failure);
        return samples;
    }

    private static double ConnectOnce(IPEndPoint server)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            SendTimeout = 2000, // a blocking connect() gives up after SO_SNDTIMEO
            LingerState = new LingerOption(true, 0),
            NoDelay = true,
        };
        long start = Stopwatch.GetTimestamp();
        s.Connect(server);
        long end = Stopwatch.GetTimestamp();
        return (end - start) * 1e6 / Stopwatch.Frequency;
    }
}
