namespace NetSim.Datapaths.Conntrack;

/// <summary>IP_CT_DIR_ORIGINAL (the direction of the first packet) or IP_CT_DIR_REPLY.</summary>
public enum ConntrackDirection
{
    Original = 0,
    Reply = 1,
}
