namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The declaration of an affinity set ("set affinity-X { type ipv4_addr; flags dynamic,timeout; timeout T }"):
/// its name and timeout, as the rules that use it name it. The addresses it holds are a node's own
/// (<see cref="NftAffinityElements"/>, kept by that node's <see cref="NftTable"/>), so rules naming a set can be
/// shared by every node whose table declares it.
/// </summary>
public sealed class NftAffinitySet
{
    internal NftAffinitySet(string name, long timeoutPs)
    {
        Name = name;
        TimeoutPs = timeoutPs;
    }

    public string Name { get; }
    public long TimeoutPs { get; }
}
