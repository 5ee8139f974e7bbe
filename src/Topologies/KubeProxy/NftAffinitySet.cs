using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// An affinity set ("set affinity-X { type ipv4_addr; flags dynamic,timeout; timeout T }"): client addresses
/// that used endpoint X, each forgotten <see cref="TimeoutPs"/> after its last update.
/// </summary>
public sealed class NftAffinitySet
{
    private readonly Dictionary<uint, long> _expires = new();

    internal NftAffinitySet(string name, long timeoutPs)
    {
        Name = name;
        TimeoutPs = timeoutPs;
    }

    public string Name { get; }
    public long TimeoutPs { get; internal set; }

    /// <summary>"ip saddr @set": listed and not timed out.</summary>
    public bool Contains(Ipv4Address address, long now)
    {
        if (!_expires.TryGetValue(address.Value, out long at)) return false;
        if (at > now) return true;
        _expires.Remove(address.Value); // timed out: the kernel's set GC would have dropped it
        return false;
    }

    /// <summary>"update @set { ip saddr }": (re)adds the address with a fresh timeout.</summary>
    public void Update(Ipv4Address address, long now) => _expires[address.Value] = now + TimeoutPs;
}
