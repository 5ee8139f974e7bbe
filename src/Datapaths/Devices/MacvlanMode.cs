namespace NetSim.Datapaths.Devices;

/// <summary>The macvlan modes (include/uapi/linux/if_link.h MACVLAN_MODE_*, `ip link add ... type macvlan mode M`).</summary>
public enum MacvlanMode
{
    /// <summary>No traffic between slaves of one lower device, not even when the switch reflects it.</summary>
    Private,
    /// <summary>Every frame goes to the wire; slaves reach each other only through a switch port doing reflective relay.</summary>
    Vepa,
    /// <summary>Frames between slaves of one lower device are delivered inside the kernel (the default).</summary>
    Bridge,
    /// <summary>One slave takes over the lower device: its MAC, and every frame it receives.</summary>
    Passthru,
}
