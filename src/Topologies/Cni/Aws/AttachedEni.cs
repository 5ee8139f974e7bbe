using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Aws;

/// <summary>
/// One ENI attached to a node: its device number (0 is the primary, eth0), the netdev it appears as (ethN), its own
/// primary address (never given to a pod), the route table its pods' traffic leaves by (device number + 1; the
/// primary ENI's pods use main) and the pod addresses ipamd holds on it (secondary IPs, or the /28 prefixes' addresses).
/// </summary>
public sealed class AttachedEni
{
    public AttachedEni(int deviceNumber, NetDevice device, Ipv4Address primaryIp)
    {
        DeviceNumber = deviceNumber;
        Device = device;
        PrimaryIp = primaryIp;
    }

    public int DeviceNumber { get; }
    public NetDevice Device { get; }
    public Ipv4Address PrimaryIp { get; }
    /// <summary>254 (main) for the primary ENI, else device number + 1 (networkutils: eni table).</summary>
    public int RouteTable => DeviceNumber == 0 ? 254 : DeviceNumber + 1;
    public List<Ipv4Address> Addresses { get; } = new();
    public List<Ipv4Prefix> Prefixes { get; } = new();
    /// <summary>Pod addresses in use, with the container they belong to.</summary>
    public Dictionary<Ipv4Address, string> Assigned { get; } = new();
}
