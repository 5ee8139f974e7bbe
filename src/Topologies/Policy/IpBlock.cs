using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>An ipBlock peer: a CIDR minus the CIDRs in except (each inside it).</summary>
public sealed record IpBlock(Ipv4Prefix Cidr, IReadOnlyList<Ipv4Prefix> Except)
{
    public bool Contains(Ipv4Address ip)
    {
        if (!Cidr.Contains(ip)) return false;
        foreach (var e in Except)
            if (e.Contains(ip)) return false;
        return true;
    }
}
