using System.Text.Json.Nodes;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The CNI bridge plugin (containernetworking/plugins main/bridge; options in reference §1.5): ensures the bridge
/// (default cni0), delegates to IPAM, creates a veth with the pod end as CNI_IFNAME and the host end enslaved
/// (hairpin if asked), gives the bridge the gateway address when isGateway (turning on ip_forward), adds the pod's
/// routes (a default route when isDefaultGateway), and with ipMasq masquerades the pod's traffic leaving its subnet.
/// </summary>
public sealed class BridgePlugin : ICniPlugin
{
    private readonly CniNode _node;

    public BridgePlugin(CniNode node) => _node = node;

    public string Type => "bridge";

    public CniResult Add(CniRequest request)
    {
        var config = BridgeConfig.From(request);
        var netns = _node.Netns(request.Args.NetNs);
        var bridge = EnsureBridge(config);
        var ipam = request.DelegateAdd();
        try
        {
            return Attach(request, config, netns, bridge, ipam);
        }
        catch (CniException)
        {
            request.DelegateDel();
            throw;
        }
    }

    private CniResult Attach(CniRequest request, BridgeConfig config, NetworkNamespace netns, LinuxBridge bridge, CniResult ipam)
    {
        if (ipam.Ips.Count == 0) throw new CniException(CniException.Internal, "IPAM plugin returned missing IP config");
        var veth = PodInterface.SetupVeth(netns, request.Args.IfName, _node.Host, VethNames.HostSide("veth", request.Args), config.Mtu);
        bridge.AddPort(veth.B, hairpin: config.HairpinMode);
        var result = new CniResult { Dns = ipam.Dns };
        result.Interfaces.Add(new CniInterface(bridge.Name, bridge.Mac.ToString()));
        result.Interfaces.Add(new CniInterface(veth.B.Name, veth.B.Mac.ToString()));
        result.Interfaces.Add(new CniInterface(veth.A.Name, veth.A.Mac.ToString(), request.Args.NetNs));
        foreach (var ip in ipam.Ips) result.Ips.Add(ip with { Interface = 2 });
        result.Routes.AddRange(ipam.Routes);
        if (config.IsDefaultGateway && !result.Routes.Any(r => r.Dst == "0.0.0.0/0"))
            result.Routes.Add(new CniRoute("0.0.0.0/0", ipam.Ips[0].Gateway));
        PodInterface.ConfigureIface(netns, veth.A, result);
        if (config.IsGateway) EnsureGateway(bridge, ipam.Ips[0]);
        if (config.IpMasq) IpMasquerade.Setup(_node.Host, request, PodInterface.AddressOf(ipam.Ips[0]), PodInterface.SubnetOf(ipam.Ips[0]));
        return result;
    }

    /// <summary>Best effort: IPAM is released even when the netns is gone; the veth goes with the pod end.</summary>
    public void Del(CniRequest request)
    {
        var config = BridgeConfig.From(request);
        request.DelegateDel();
        if (_node.TryNetns(request.Args.NetNs) is { } netns && PodInterface.Find(netns, request.Args.IfName) is { } dev) dev.Delete();
        if (config.IpMasq) IpMasquerade.Teardown(_node.Host, request);
    }

    public void Check(CniRequest request)
    {
        var config = BridgeConfig.From(request);
        request.DelegateCheck();
        var netns = _node.Netns(request.Args.NetNs);
        if (PodInterface.Find(netns, request.Args.IfName) is not VethDevice pod)
            throw new CniException(CniException.Internal, $"Error: Container interface {request.Args.IfName} not found");
        if (pod.Peer.Master?.Name != config.Bridge)
            throw new CniException(CniException.Internal, $"Error: Container interface {request.Args.IfName} is not attached to {config.Bridge}");
        if (request.PrevResult is { } prev) ExpectedState.Validate(netns, request.Args.IfName, prev);
    }

    /// <summary>ip link add cni0 type bridge (if missing): MTU from the config; br_netfilter as the node's sysctl says.</summary>
    private LinuxBridge EnsureBridge(BridgeConfig config)
    {
        switch (PodInterface.Find(_node.Host, config.Bridge))
        {
            case LinuxBridge b: return b;
            case { } other: throw new CniException(CniException.Internal, $"{config.Bridge} already exists but is not a bridge ({other.GetType().Name})");
            default: return new LinuxBridge(_node.Host, config.Bridge, config.Mtu) { NfCallIptables = _node.BridgeNfCallIptables };
        }
    }

    /// <summary>The gateway address on the bridge (once for all pods of the subnet), and ip_forward on.</summary>
    private void EnsureGateway(LinuxBridge bridge, CniIp ip)
    {
        if (ip.Gateway is null) throw new CniException(CniException.Internal, "isGateway: the IPAM result has no gateway");
        var gw = Ipv4Address.Parse(ip.Gateway);
        if (!bridge.Addresses.Any(a => a.Address == gw))
            _node.Host.AddAddress(bridge, $"{gw}/{PodInterface.SubnetOf(ip).Length}");
        _node.Host.IpForwarding = true;
    }

    /// <summary>The bridge plugin's options with its defaults (reference §1.5).</summary>
    private sealed record BridgeConfig(string Bridge, bool IsGateway, bool IsDefaultGateway, bool IpMasq, bool HairpinMode, int Mtu)
    {
        public static BridgeConfig From(CniRequest r)
        {
            bool isDefaultGateway = r.GetBool("isDefaultGateway", false);
            int mtu = r.GetInt("mtu", 1500);
            if (mtu is < 68 or > 65535) throw new CniException(CniException.InvalidNetworkConfig, $"invalid MTU {mtu}");
            if (r.Config["vlan"] is JsonNode) throw new CniException(CniException.UnsupportedField, "bridge: \"vlan\" is not modelled");
            return new BridgeConfig(r.GetString("bridge", "cni0"), isDefaultGateway || r.GetBool("isGateway", false), isDefaultGateway,
                r.GetBool("ipMasq", false), r.GetBool("hairpinMode", false), mtu);
        }
    }
}
