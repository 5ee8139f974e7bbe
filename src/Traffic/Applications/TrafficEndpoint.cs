using NetSim.Engine.Addressing;
using NetSim.Traffic.Transport;

namespace NetSim.Traffic.Applications;

/// <summary>Where an application runs: a namespace's sockets, the address others reach it at, and its CPU core.</summary>
public sealed record TrafficEndpoint(string Name, TransportLayer Transport, Ipv4Address Address, int Core = 0);
