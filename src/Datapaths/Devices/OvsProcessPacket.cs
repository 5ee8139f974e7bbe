using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// ovs_dp_process_packet on a frame a vport received: ovs_flow_key_extract and ovs_flow_tbl_lookup
/// (<c>ovs.process</c>, <c>ovs.flow_lookup</c> per mask), then ovs_execute_actions: output to the flow's vport.
/// </summary>
internal sealed class OvsProcessPacket : NamespaceElement
{
    private readonly OvsDatapath _dp;

    public OvsProcessPacket(OvsDatapath dp) : base(dp.Namespace, dp.Name + "/ovs_dp_process_packet") => _dp = dp;

    /// <summary>A frame from a vport's receive, with <paramref name="ps"/> of that receive's work still to charge.</summary>
    public void Enter(Packet p, long ps)
    {
        ps += Costs.OvsProcess.For(p.Length) + OvsDatapath.Masks * Costs.OvsFlowLookup.For(p.Length);
        NetDevice? output = _dp.Lookup(p.IngressInterface, p.Ethernet.Destination);
        if (output is null)
        {
            if (_dp.Daemon is { } router)
            {
                // A miss goes up to the daemon (Weave's router), which forwards it over sleeve and installs no flow.
                router.Capture.Enter(p, ps);
                return;
            }
            ChargeAndDrop(p, ps, DropReason.NoForwardingEntry); // a miss with no daemon listening
            return;
        }
        WorkPs(p, ps, output, p.Trace is null ? null : $"ovs_flow_tbl_lookup: in_port {p.IngressInterface}, eth_dst {p.Ethernet.Destination} → output:{output.Name}");
    }

    public override void Receive(Packet p) => Enter(p, 0);
}
