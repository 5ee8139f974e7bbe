using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// ip link add A type veth peer name B: two connected <see cref="VethDevice"/> ends, each in its namespace (the
/// usual CNI shape: eth0 in the pod, vethXXXX/caliXXXX/lxcXXXX in the host).
/// </summary>
public sealed class VethPair
{
    public VethPair(NetworkNamespace namespaceA, string nameA, NetworkNamespace namespaceB, string nameB, int mtu = 1500,
        MacAddress? macA = null, MacAddress? macB = null)
    {
        A = new VethDevice(namespaceA, nameA, mtu, macA);
        B = new VethDevice(namespaceB, nameB, mtu, macB);
        A.Peer = B;
        B.Peer = A;
    }

    public VethDevice A { get; }
    public VethDevice B { get; }

    public override string ToString() => $"{A} <-> {B}";
}
