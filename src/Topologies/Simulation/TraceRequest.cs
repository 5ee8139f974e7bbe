using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Simulation;

/// <summary>
/// What to trace: from and to endpoints (as in a scenario's traffic), a port, and the protocol. With a profile that
/// has variability the traced exchange is one drawn exchange (its seed's); <see cref="ExactCosts"/> traces the
/// exchange at every cost's mean instead.
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

    /// <summary>Trace with exact costs (<c>--exact-costs</c>): the profile's variability section is ignored.</summary>
    public bool ExactCosts { get; init; }
}
