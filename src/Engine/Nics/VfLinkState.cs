namespace NetSim.Engine.Nics;

/// <summary>
/// A VF's link state as its PF's driver sets it (ip link set PF vf N state auto|enable|disable, IFLA_VF_LINK_STATE):
/// auto follows the physical port's carrier, enable keeps the VF up whatever the port does (VF-to-VF traffic inside
/// the NIC still flows), disable holds it down.
/// </summary>
public enum VfLinkState
{
    Auto,
    Enable,
    Disable,
}
