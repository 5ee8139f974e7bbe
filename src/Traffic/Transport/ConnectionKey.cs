using NetSim.Engine.Addressing;

namespace NetSim.Traffic.Transport;

/// <summary>A connection's 4-tuple as seen from the local socket (the kernel's established-hash key).</summary>
public readonly record struct ConnectionKey(Ipv4Address LocalAddress, ushort LocalPort, Ipv4Address RemoteAddress, ushort RemotePort)
{
    public bool Equals(ConnectionKey other) =>
        LocalAddress.Value == other.LocalAddress.Value && RemoteAddress.Value == other.RemoteAddress.Value &&
        LocalPort == other.LocalPort && RemotePort == other.RemotePort;

    /// <summary>An integer mix of the tuple (deterministic, no randomized string hashing).</summary>
    public override int GetHashCode()
    {
        ulong h = ((ulong)LocalAddress.Value << 32) ^ RemoteAddress.Value;
        h ^= ((ulong)LocalPort << 16 | RemotePort) * 0x9E3779B97F4A7C15UL;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        return (int)(h ^ (h >> 32));
    }

    public override string ToString() => $"{LocalAddress}:{LocalPort} <-> {RemoteAddress}:{RemotePort}";
}
