using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>A device's rx_handler (netdev_rx_handler_register), as macvlan and ipvlan install on their lower device.</summary>
internal interface IRxHandler
{
    /// <summary>True when the frame was consumed (RX_HANDLER_CONSUMED / ANOTHER); false: RX_HANDLER_PASS to the device's own stack.</summary>
    bool HandleFrame(Packet p, long ps);

    /// <summary>An ARP broadcast from the wire reached the lower device: a slave that holds <paramref name="target"/> answers.</summary>
    bool AnswerExternal(Ipv4Address target, MacAddress requester, out MacAddress mac);

    /// <summary>The lower device's own ARP: its slaves hear it only when the switch reflects it back.</summary>
    bool ResolveFromLower(Ipv4Address target, MacAddress requester, out MacAddress mac);
}
