namespace NetSim.Topologies.Policy;

/// <summary>
/// One ports item: a protocol (TCP when not given), and a port by number (with endPort an inclusive range), by name
/// (a container port name, resolved on the destination pod), or none (every port of the protocol).
/// </summary>
public sealed record PolicyPort(string Protocol, int Port, string? Name, int EndPort)
{
    /// <summary>The IP protocol number of TCP, UDP or SCTP.</summary>
    public byte ProtocolNumber => ProtocolNumberOf(Protocol);

    public bool AnyPort => Port == 0 && Name is null;

    /// <summary>The last port of the range (the port itself without endPort).</summary>
    public int LastPort => EndPort > 0 ? EndPort : Port;

    public static byte ProtocolNumberOf(string protocol) => protocol switch
    {
        "TCP" => 6,
        "UDP" => 17,
        "SCTP" => 132,
        _ => throw new ArgumentException($"not a NetworkPolicy protocol: {protocol}", nameof(protocol)),
    };
}
