using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// One node's elements of an affinity set: client addresses that used the set's endpoint, each forgotten
/// <see cref="TimeoutPs"/> after its last update. Kept across syncs, like the kernel's set elements.
/// </summary>
public sealed class NftAffinityElements
{
    private readonly Dictionary<uint, long> _expires = new();

    internal NftAffinityElements(long timeoutPs) => TimeoutPs = timeoutPs;

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
