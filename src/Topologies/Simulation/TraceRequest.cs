using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Simulation;

/// <summary>
/// What to trace: from and to endpoints (as in a scenario's traffic), a port, and the protocol. With a profile that
/// has variability the traced exchange is the mean one: every charge and wakeup at its mean, nothing drawn, so its
/// round trip is a run's mean; <see cref="ExactCosts"/> also drops the wakeups (adaptive moderation stays: it is a mechanism).
/// </summary>
public sealed record TraceRequest(EndpointRef From, EndpointRef To, ushort Port, string Protocol = "tcp")
{
    /// <summary>
    /// Trace an exchange in the steady state (after <see cref="WarmupExchanges"/> exchanges have resolved neighbours,
    /// created conntrack entries and grown TCP's windows), as the transactions a run measures; false traces the first.
    /// </summary>
    public bool SteadyState { get; init; }

    /// <summary>Exchanges before the traced one in the steady state.</summary>
    public const int WarmupExchanges = 3;

    /// <summary>Trace with exact costs (<c>--exact-costs</c>): nothing drawn, no wakeup latency; interrupt moderation as in a run.</summary>
    public bool ExactCosts { get; init; }
}
