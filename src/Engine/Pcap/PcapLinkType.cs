namespace NetSim.Engine.Pcap;

/// <summary>The link-layer header type of a pcap file (tcpdump.org LINKTYPE_* values); one per file.</summary>
public enum PcapLinkType
{
    /// <summary>LINKTYPE_ETHERNET: every record starts with an Ethernet header.</summary>
    Ethernet = 1,
    /// <summary>LINKTYPE_RAW: every record starts with an IPv4 (or IPv6) header.</summary>
    RawIp = 101,
}
