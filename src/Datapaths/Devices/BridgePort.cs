namespace NetSim.Datapaths.Devices;

/// <summary>
/// A device enslaved to a bridge (struct net_bridge_port): its frames go to br_handle_frame. Per-port flags as
/// <c>bridge link set</c> sets them.
/// </summary>
public sealed class BridgePort
{
    internal BridgePort(LinuxBridge bridge, NetDevice device, bool hairpin)
    {
        Bridge = bridge;
        Device = device;
        Hairpin = hairpin;
    }

    public LinuxBridge Bridge { get; }
    public NetDevice Device { get; }
    /// <summary>hairpin on: a frame may be sent back out of the port it came in on (reflective relay).</summary>
    public bool Hairpin { get; set; }
    /// <summary>learning on: source MACs seen on this port are added to the FDB.</summary>
    public bool Learning { get; set; } = true;
    /// <summary>flood on: unknown unicast is flooded to this port.</summary>
    public bool Flood { get; set; } = true;

    public override string ToString() => $"{Bridge.Name} port {Device.Name}{(Hairpin ? " hairpin" : "")}";
}
