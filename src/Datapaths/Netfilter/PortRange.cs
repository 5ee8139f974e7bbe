namespace NetSim.Datapaths.Netfilter;

/// <summary>A port or inclusive port range, as in "--dport 80" or "--dport 30000:32767".</summary>
public readonly record struct PortRange(ushort Min, ushort Max)
{
    public PortRange(ushort port) : this(port, port) { }
    public bool Contains(ushort port) => port >= Min && port <= Max;
    public override string ToString() => Min == Max ? $"{Min}" : $"{Min}:{Max}";
}
