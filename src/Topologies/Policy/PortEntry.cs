namespace NetSim.Topologies.Policy;

/// <summary>A policy-map port entry: a protocol (0 = any) and an inclusive port range (0..65535 = any port).</summary>
public readonly record struct PortEntry(byte Protocol, ushort First, ushort Last)
{
    public static PortEntry Any => new(0, 0, ushort.MaxValue);

    public bool Matches(byte protocol, ushort port) => (Protocol == 0 || Protocol == protocol) && port >= First && port <= Last;
}
