namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// packet_state: a queued packet list waits for a crypt worker (Uncrypted), has been encrypted or decrypted
/// (Crypted), or could not be queued for one and is dropped in order by the serial stage (Dead).
/// </summary>
public enum WireGuardPacketState
{
    Uncrypted,
    Crypted,
    Dead,
}
