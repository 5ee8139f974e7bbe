namespace NetSim.Datapaths.Netfilter;

/// <summary>The outcome of a hook or a table for one packet.</summary>
public enum NfVerdict
{
    /// <summary>NF_ACCEPT: go on to the next hook function (the packet continues).</summary>
    Accept,
    /// <summary>NF_DROP: the packet is dropped with <see cref="NfHookState.DropReason"/>.</summary>
    Drop,
    /// <summary>REJECT: dropped, and an ICMP error or TCP reset (<see cref="NfHookState.RejectWith"/>) is sent back.</summary>
    Reject,
    /// <summary>NF_STOLEN: a hook function kept the packet (a fragment held for reassembly).</summary>
    Stolen,
}
