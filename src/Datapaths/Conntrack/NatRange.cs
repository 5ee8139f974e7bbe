using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Conntrack;

/// <summary>Flags of struct nf_nat_range2 (the iptables --random / --random-fully / --persistent options).</summary>
[Flags]
public enum NatRangeOptions
{
    None = 0,
    /// <summary>NF_NAT_RANGE_PROTO_RANDOM (--random): randomised port search.</summary>
    Random = 1,
    /// <summary>NF_NAT_RANGE_PROTO_RANDOM_FULLY (--random-fully): always a random port, never the original.</summary>
    RandomFully = 2,
    /// <summary>NF_NAT_RANGE_PERSISTENT: the same client always gets the same address of the range.</summary>
    Persistent = 4,
}

/// <summary>struct nf_nat_range2: the addresses (and optionally ports) a NAT target may map to.</summary>
public readonly record struct NatRange(Ipv4Address MinAddress, Ipv4Address MaxAddress, ushort MinPort = 0, ushort MaxPort = 0, NatRangeOptions Flags = NatRangeOptions.None)
{
    /// <summary>One address, optionally one port: "--to-destination 10.0.1.2:8080".</summary>
    public static NatRange To(Ipv4Address address, ushort port = 0, NatRangeOptions flags = NatRangeOptions.None) =>
        new(address, address, port, port, flags);

    public bool HasPorts => MinPort != 0;
    public bool InPortRange(ushort port) => !HasPorts || (port >= MinPort && port <= MaxPort);
}
