namespace NetSim.Datapaths.Netfilter;

/// <summary>Address types of "-m addrtype" (the FIB's rtm_type of the address).</summary>
public enum AddrType
{
    /// <summary>An address of this namespace (in the local table).</summary>
    Local,
    /// <summary>A unicast address not local to the namespace.</summary>
    Unicast,
    /// <summary>The limited broadcast 255.255.255.255.</summary>
    Broadcast,
    /// <summary>224.0.0.0/4.</summary>
    Multicast,
}
