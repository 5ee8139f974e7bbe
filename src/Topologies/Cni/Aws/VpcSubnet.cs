using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Aws;

/// <summary>
/// A VPC subnet as EC2 hands out its private addresses to ENIs: never the first four (network, VPC router, DNS,
/// reserved) or the last (AWS's documented reservation), never one already in use (the nodes' own, external hosts'),
/// lowest free first (EC2 picks any free one; lowest-first keeps runs reproducible). /28 prefixes for prefix
/// delegation are aligned blocks with no address in use.
/// </summary>
public sealed class VpcSubnet
{
    private const int ReservedAtStart = 4;
    private readonly HashSet<Ipv4Address> _used = new();
    private ulong _next = ReservedAtStart;

    public VpcSubnet(Ipv4Prefix prefix, IEnumerable<Ipv4Address> inUse)
    {
        Prefix = prefix;
        foreach (var a in inUse) _used.Add(a);
    }

    public Ipv4Prefix Prefix { get; }

    /// <summary>The VPC router every ENI's route table points at (the subnet's first host address).</summary>
    public Ipv4Address Router => Prefix.Address(1);

    /// <summary>AssignPrivateIpAddresses for one address; null when the subnet is full.</summary>
    public Ipv4Address? Allocate()
    {
        for (; _next < Prefix.Size - 1; _next++)
        {
            var a = Prefix.Address(_next);
            if (_used.Add(a)) return a;
        }
        return null;
    }

    /// <summary>AssignPrivateIpAddresses with an Ipv4PrefixCount: the lowest free aligned /28; null when none is left.</summary>
    public Ipv4Prefix? AllocatePrefix()
    {
        const int n = EniMaxPods.IpsPerPrefix;
        for (ulong start = 0; start + n <= Prefix.Size; start += n)
        {
            bool free = start >= ReservedAtStart && start + n < Prefix.Size;
            for (ulong i = 0; free && i < n; i++) free = !_used.Contains(Prefix.Address(start + i));
            if (!free) continue;
            for (ulong i = 0; i < n; i++) _used.Add(Prefix.Address(start + i));
            return new Ipv4Prefix(Prefix.Address(start), 28);
        }
        return null;
    }
}
