using NetSim.Engine.Addressing;

namespace NetSim.Traffic.Dns;

/// <summary>Told when a getaddrinfo() call returns: the first address, or null when the name did not resolve (NXDOMAIN or timeouts).</summary>
public interface IDnsLookupObserver
{
    void OnLookupComplete(StubResolver resolver, Ipv4Address? address, long startPs, long nowPs);
}
