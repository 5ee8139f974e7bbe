using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// One traffic group: an application (bulk stream, request/response, connect/request/response, open-loop
/// arrivals, trace replay, ping) between two endpoints.
/// </summary>
public sealed record TrafficSpec(
    string Name,
    string Kind,
    EndpointRef From,
    EndpointRef To,
    string Protocol,
    SimTime Start,
    SimTime? Duration,
    int Streams,
    long RateBps,
    long Bytes,
    int RequestSize,
    int ResponseSize,
    int InFlight,
    string Congestion,
    SimTime? MeanInterarrival,
    string? SizeDistribution,
    string? TraceFile,
    int Count)
{
    public static readonly string[] Kinds = ["bulk", "rr", "crr", "poisson", "replay", "ping", "dns"];

    /// <summary>ping: time between echo requests (iputils' default 1 s).</summary>
    public SimTime Interval { get; init; } = SimTime.FromSeconds(1);
    /// <summary>ping: data bytes per echo (iputils' default 56).</summary>
    public int PayloadSize { get; init; } = 56;
    /// <summary>ping: an echo unanswered this long is lost (ping -W).</summary>
    public SimTime Timeout { get; init; } = SimTime.FromSeconds(1);
    /// <summary>
    /// TCP_NODELAY on the client's and server's sockets (Nagle off). Off by default as in netperf and iperf3 (their
    /// -D / -N options turn it on); RPC stacks turn it on (Go's net package, so gRPC-Go, sets it on every TCP connection).
    /// </summary>
    public bool NoDelay { get; init; }
}
