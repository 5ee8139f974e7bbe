namespace NetSim.Datapaths.Devices;

/// <summary>The ipvlan modes (IPVLAN_MODE_L2, IPVLAN_MODE_L3; `ip link add ... type ipvlan mode l2|l3`).</summary>
public enum IpvlanMode
{
    /// <summary>Slaves ARP on the lower device's L2 and are answered with its MAC; frames leave through it.</summary>
    L2,
    /// <summary>Slaves do no ARP; their packets leave through the lower device's namespace's routing (ip_local_out there).</summary>
    L3,
}
