using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Dns;

namespace NetSim.Topologies.Dns;

/// <summary>
/// What the node-local-dns DaemonSet sets up on each node before it listens: a dummy interface "nodelocaldns" with
/// the link-local address, and raw-table NOTRACK rules (PREROUTING and OUTPUT, UDP and TCP port 53, to and from the
/// address), so queries to it and its answers bypass conntrack and kube-proxy's DNAT.
/// </summary>
public static class NodeLocalDns
{
    public const string Interface = "nodelocaldns";

    public static void Install(BuiltNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var host = node.Host;
        var dummy = new DummyDevice(host, Interface);
        host.AddAddress(dummy, new InterfaceAddress(DnsSpec.NodeLocalAddress, 32));
        var nf = host.Netfilter;
        var address = new Ipv4Prefix(DnsSpec.NodeLocalAddress, 32);
        var port = new PortRange(DnsPorts.Domain);
        foreach (var (hook, chain) in new[] { (NfInetHook.PreRouting, "NODELOCALDNS_PRE_raw"), (NfInetHook.LocalOut, "NODELOCALDNS_OUT_raw") })
        {
            var c = IptablesFeeders.Feed(nf.Raw, hook, chain, $"node-local-dns: {chain}");
            foreach (byte protocol in new[] { Ipv4Header.ProtocolUdp, Ipv4Header.ProtocolTcp })
            {
                c.Append(new IptRule { Destination = address, Protocol = protocol, DestinationPort = port, Target = NotrackTarget.Instance, Comment = "node-local-dns: NOTRACK queries" });
                c.Append(new IptRule { Source = address, Protocol = protocol, SourcePort = port, Target = NotrackTarget.Instance, Comment = "node-local-dns: NOTRACK answers" });
            }
        }
    }
}
