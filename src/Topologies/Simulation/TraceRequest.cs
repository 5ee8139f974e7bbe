using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Simulation;

/// <summary>What to trace: from and to endpoints (as in a scenario's traffic), a port, and the protocol.</summary>
public sealed record TraceRequest(EndpointRef From, EndpointRef To, ushort Port, string Protocol = "tcp")
{
    /// <summary>
    /// Trace an exchange in the steady state (after <see cref="WarmupExchanges"/> exchanges have resolved neighbours,
    /// created conntrack entries and grown TCP's windows), as the transactions a run measures; false traces the first.
    /// </summary>
    public bool SteadyState { get; init; }

    /// <summary>Exchanges before the traced one in the steady state.</summary>
    public const int WarmupExchanges = 3;
}
