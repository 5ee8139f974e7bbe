using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;

namespace NetSim.Datapaths.Tests.Fixtures;

/// <summary>Two namespaces joined by a veth pair on one /24.</summary>
public sealed record VethTopology(NodeContext Node, NetworkNamespace A, NetworkNamespace B, VethPair Veth);

/// <summary>client — host (router) — server, each link a veth pair.</summary>
public sealed record RoutedTopology(NodeContext Node, NetworkNamespace Client, NetworkNamespace Host, NetworkNamespace Server,
    VethPair ClientLink, VethPair ServerLink);

/// <summary>A node whose pods hang off the host's bridge cni0 (the bridge CNI shape).</summary>
public sealed record BridgeNode(NodeContext Node, NetworkNamespace Host, LinuxBridge Bridge, NetworkNamespace[] Pods, VethPair[] Links)
{
    public string PodIp(int i) => Pods[i].Devices[1].Addresses[0].Address.ToString();
}

public enum Overlay
{
    HostGw,
    Vxlan,
    Geneve,
    Ipip,
    WireGuard,
    Esp,
}

/// <summary>Two bridge nodes whose eth0s are cabled together, routed natively or through a tunnel.</summary>
public sealed record Cluster(BridgeNode N1, BridgeNode N2, PhysicalDevice Eth1, PhysicalDevice Eth2, TestWire Wire, NetDevice? Tunnel1, NetDevice? Tunnel2);

public static class Topologies
{
    public static VethTopology TwoNamespaces(TestBed bed)
    {
        NodeContext node = bed.Node("node");
        var a = new NetworkNamespace(node, "a");
        var b = new NetworkNamespace(node, "b");
        var veth = new VethPair(a, "veth-a", b, "veth-b");
        a.AddAddress(veth.A, "10.0.0.1/24");
        b.AddAddress(veth.B, "10.0.0.2/24");
        return new VethTopology(node, a, b, veth);
    }

    public static RoutedTopology ClientRouterServer(TestBed bed)
    {
        NodeContext node = bed.Node("node");
        var c = new NetworkNamespace(node, "client");
        var h = new NetworkNamespace(node, "host") { IpForwarding = true };
        var s = new NetworkNamespace(node, "server");
        var cl = new VethPair(c, "eth0", h, "h0");
        var sl = new VethPair(h, "h1", s, "eth0");
        c.AddAddress(cl.A, "10.0.0.2/24");
        h.AddAddress(cl.B, "10.0.0.1/24");
        h.AddAddress(sl.A, "10.0.1.1/24");
        s.AddAddress(sl.B, "10.0.1.2/24");
        c.AddRoute("0.0.0.0/0", cl.A, via: "10.0.0.1");
        s.AddRoute("0.0.0.0/0", sl.B, via: "10.0.1.1");
        return new RoutedTopology(node, c, h, s, cl, sl);
    }

    /// <summary>Host with cni0 = 10.244.N.1/24 and <paramref name="pods"/> pods 10.244.N.2, .3, ... (default via .1).</summary>
    public static BridgeNode Bridged(TestBed bed, NodeContext node, int pods, int n = 1, int podMtu = 1500, bool hairpin = false)
    {
        var host = new NetworkNamespace(node, "host") { IpForwarding = true };
        var cni0 = new LinuxBridge(host, "cni0");
        host.AddAddress(cni0, $"10.244.{n}.1/24");
        var podNs = new NetworkNamespace[pods];
        var links = new VethPair[pods];
        for (int i = 0; i < pods; i++)
        {
            podNs[i] = new NetworkNamespace(node, $"pod{i}");
            links[i] = new VethPair(podNs[i], "eth0", host, $"veth{i}", podMtu);
            podNs[i].AddAddress(links[i].A, $"10.244.{n}.{i + 2}/24");
            podNs[i].AddRoute("0.0.0.0/0", links[i].A, via: $"10.244.{n}.1");
            cni0.AddPort(links[i].B, hairpin);
        }
        return new BridgeNode(node, host, cni0, podNs, links);
    }

    public static Cluster TwoNodes(TestBed bed, Overlay overlay, long wireDelayPs = 0, int podMtu = 1500, int cores = 1)
    {
        BridgeNode n1 = Bridged(bed, bed.Node("node1", cores), 1, 1, podMtu);
        BridgeNode n2 = Bridged(bed, bed.Node("node2", cores), 1, 2, podMtu);
        var eth1 = new PhysicalDevice(n1.Host, "eth0");
        var eth2 = new PhysicalDevice(n2.Host, "eth0");
        n1.Host.AddAddress(eth1, "192.168.0.1/24");
        n2.Host.AddAddress(eth2, "192.168.0.2/24");
        var wire = new TestWire(eth1, eth2, wireDelayPs);
        NetDevice? t1 = null, t2 = null;
        switch (overlay)
        {
            case Overlay.HostGw:
                n1.Host.AddRoute("10.244.2.0/24", eth1, via: "192.168.0.2");
                n2.Host.AddRoute("10.244.1.0/24", eth2, via: "192.168.0.1");
                break;
            case Overlay.Vxlan:
            case Overlay.Geneve:
                UdpTunnelDevice u1 = overlay == Overlay.Vxlan
                    ? new VxlanDevice(n1.Host, "flannel.1", 1, underlay: eth1, local: Ipv4Address.Parse("192.168.0.1"))
                    : new GeneveDevice(n1.Host, "genev_sys", 1, underlay: eth1, local: Ipv4Address.Parse("192.168.0.1"));
                UdpTunnelDevice u2 = overlay == Overlay.Vxlan
                    ? new VxlanDevice(n2.Host, "flannel.1", 1, underlay: eth2, local: Ipv4Address.Parse("192.168.0.2"))
                    : new GeneveDevice(n2.Host, "genev_sys", 1, underlay: eth2, local: Ipv4Address.Parse("192.168.0.2"));
                Flannel(n1.Host, u1, u2, 1, 2);
                Flannel(n2.Host, u2, u1, 2, 1);
                t1 = u1;
                t2 = u2;
                break;
            case Overlay.Ipip:
                var tun1 = new IpipDevice(n1.Host, "tunl0", eth1);
                var tun2 = new IpipDevice(n2.Host, "tunl0", eth2);
                n1.Host.AddAddress(tun1, "10.244.1.0/32");
                n2.Host.AddAddress(tun2, "10.244.2.0/32");
                n1.Host.AddRoute("10.244.2.0/24", tun1, via: "192.168.0.2", onLink: true);
                n2.Host.AddRoute("10.244.1.0/24", tun2, via: "192.168.0.1", onLink: true);
                t1 = tun1;
                t2 = tun2;
                break;
            case Overlay.WireGuard:
                var wg1 = new WireGuardDevice(n1.Host, "wg0", underlay: eth1);
                var wg2 = new WireGuardDevice(n2.Host, "wg0", underlay: eth2);
                n1.Host.AddAddress(wg1, "10.244.1.0/32");
                n2.Host.AddAddress(wg2, "10.244.2.0/32");
                wg1.AddPeer(Ipv4Address.Parse("192.168.0.2"), [Ipv4Prefix.Parse("10.244.2.0/24")]);
                wg2.AddPeer(Ipv4Address.Parse("192.168.0.1"), [Ipv4Prefix.Parse("10.244.1.0/24")]);
                n1.Host.AddRoute("10.244.2.0/24", wg1);
                n2.Host.AddRoute("10.244.1.0/24", wg2);
                t1 = wg1;
                t2 = wg2;
                break;
            case Overlay.Esp:
                var x1 = new EspTunnelDevice(n1.Host, "xfrm0", eth1, Ipv4Address.Parse("192.168.0.1"));
                var x2 = new EspTunnelDevice(n2.Host, "xfrm0", eth2, Ipv4Address.Parse("192.168.0.2"));
                n1.Host.AddRoute("10.244.2.0/24", x1, via: "192.168.0.2", onLink: true);
                n2.Host.AddRoute("10.244.1.0/24", x2, via: "192.168.0.1", onLink: true);
                t1 = x1;
                t2 = x2;
                break;
        }
        return new Cluster(n1, n2, eth1, eth2, wire, t1, t2);
    }

    /// <summary>What flanneld installs for a peer: gateway address, onlink route, permanent neighbour, FDB entry.</summary>
    private static void Flannel(NetworkNamespace host, UdpTunnelDevice local, UdpTunnelDevice remote, int self, int peer)
    {
        host.AddAddress(local, $"10.244.{self}.0/32");
        host.AddRoute($"10.244.{peer}.0/24", local, via: $"10.244.{peer}.0", onLink: true);
        local.AddRemoteVtep(Ipv4Address.Parse($"10.244.{peer}.0"), remote.Mac, Ipv4Address.Parse($"192.168.0.{peer}"));
    }
}
