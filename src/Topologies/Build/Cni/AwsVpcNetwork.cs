using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Aws;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The Amazon VPC CNI: no overlay and no node pod subnet. ipamd attaches ENIs to the node (eth0 is the primary;
/// eth1… the secondary ones) with secondary addresses from the node's VPC subnet, as many as its warm pool targets
/// ask for the pods the node runs; each pod holds one of them (aws-cni). A secondary ENI gets route table
/// device number + 1 ("VPC router dev ethN scope link", "default via the VPC router dev ethN") and the rule "from
/// its primary IP lookup" that table at 32765; with AWS_VPC_K8S_CNI_EXTERNALSNAT=false the node also has "not to
/// VPC-CIDR lookup main" at 1024 (pod traffic leaving the VPC goes out of eth0) and AWS-SNAT-CHAIN-0 in nat
/// POSTROUTING, SNAT to the primary ENI's address for destinations outside the VPC (networkutils/network.go).
/// The VPC is modelled as the fabric delivering to the ENI that holds an address: it answers ARP for every secondary
/// address with the ENI's MAC (and, in a routed fabric, the leaves carry a /32 per address), which each ENI table's
/// "VPC-subnet dev ethN scope link" route uses instead of the router hop the VPC would forward transparently.
/// Every ENI shares the instance's one NIC (its bandwidth is the instance's), so frames for any ENI arrive on eth0.
/// </summary>
public sealed class AwsVpcNetwork : PodNetwork
{
    public const int FromEniPrimaryIpRulePriority = 32765;
    public const int ExternalRulePriority = 1024;
    public const string SnatChain = "AWS-SNAT-CHAIN-0";

    private readonly AwsVpcCniSpec _aws;
    private readonly Ec2InstanceType _type;
    private readonly Dictionary<Ipv4Prefix, VpcSubnet> _subnets = new();
    private readonly Dictionary<BuiltNode, Ipamd> _ipamd = new();

    public AwsVpcNetwork(ClusterContext cluster) : base(cluster)
    {
        _aws = cluster.Scenario.Cni.Aws ?? AwsVpcCniSpec.Defaults;
        _type = Ec2InstanceTypes.All[_aws.InstanceType];
    }

    /// <summary>Each node's ipamd: its ENIs, their addresses and which pod holds which.</summary>
    public IReadOnlyDictionary<BuiltNode, Ipamd> Ipamds => _ipamd;

    /// <summary>The VPC's CIDR: the node network.</summary>
    private Ipv4Prefix Vpc => Cluster.Scenario.Cluster.NodeCidr;

    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        if (node.Nic is null) throw new InvalidOperationException("aws-vpc-cni on a veth pair: the validator refuses it");
        node.PodGateway = AwsCniPlugin.PodGateway;
        int pods = PodPlacement.Place(Cluster.Scenario.Cluster, Cluster.Scenario.Workloads).Count(p => p.Node == node.Name && !p.HostNetwork);
        var ipamd = new Ipamd(_aws.InstanceType, _aws.PrefixDelegation) { PodsThatWaited = EniWarmPool.PodsThatWaited(_type, _aws, pods) };
        _ipamd[node] = ipamd;
        var subnet = Subnet(node.NodeSubnet);
        int[] slots = EniWarmPool.Attached(_type, _aws, pods);
        for (int i = 0; i < slots.Length; i++)
        {
            var eni = i == 0 ? new AttachedEni(0, node.Eth0, node.Address) : AttachSecondaryEni(node, subnet, i);
            for (int s = 0; s < slots[i]; s++) AssignAddresses(node, subnet, eni);
            ipamd.Enis.Add(eni);
        }
        if (!_aws.ExternalSnat) InstallSnat(node);
    }

    /// <summary>attachENI + setupENINetwork: ethN with its own primary address (no main-table subnet route), table N+1 and its rule.</summary>
    private AttachedEni AttachSecondaryEni(BuiltNode node, VpcSubnet subnet, int deviceNumber)
    {
        var primary = subnet.Allocate() ?? throw Full(node);
        var dev = new PhysicalDevice(node.Host, $"eth{deviceNumber}", node.Spec.Nic.Mtu, node.Nic!.Mac, node.Nic) { Link = Cluster.Fabric.Arp };
        node.Host.AddAddress(dev, $"{primary}/{subnet.Prefix.Length}", noPrefixRoute: true);
        var eni = new AttachedEni(deviceNumber, dev, primary);
        var table = node.Host.Table(eni.RouteTable);
        table.Add(new Route { Prefix = new Ipv4Prefix(subnet.Router, 32), Device = dev, Scope = RouteScope.Link });
        table.Add(new Route { Prefix = subnet.Prefix, Device = dev, Scope = RouteScope.Link, PreferredSource = primary });
        table.Add(new Route { Prefix = new Ipv4Prefix(Ipv4Address.Any, 0), Device = dev, Gateway = subnet.Router });
        node.Host.AddRule(FromEniPrimaryIpRulePriority, eni.RouteTable, from: new Ipv4Prefix(primary, 32));
        Cluster.Fabric.Arp.AddHost(dev, primary, subnet.Prefix); // ethN is on the subnet: it asks and answers ARP there
        Cluster.Fabric.AddHostRoute(node, new Ipv4Prefix(primary, 32));
        return eni;
    }

    /// <summary>One slot of an ENI: a secondary address, or a /28 prefix; the VPC learns where each one lives.</summary>
    private void AssignAddresses(BuiltNode node, VpcSubnet subnet, AttachedEni eni)
    {
        if (_aws.PrefixDelegation)
        {
            var prefix = subnet.AllocatePrefix() ?? throw Full(node);
            eni.Prefixes.Add(prefix);
            for (ulong k = 0; k < prefix.Size; k++) Announce(node, eni, prefix.Address(k));
            Cluster.Fabric.AddHostRoute(node, prefix);
            return;
        }
        var ip = subnet.Allocate() ?? throw Full(node);
        Announce(node, eni, ip);
        Cluster.Fabric.AddHostRoute(node, new Ipv4Prefix(ip, 32));
    }

    private void Announce(BuiltNode node, AttachedEni eni, Ipv4Address ip)
    {
        eni.Addresses.Add(ip);
        Cluster.Fabric.Arp.AddGateway(ip, node.Nic!.Mac);
    }

    /// <summary>Pod traffic to outside the VPC leaves by eth0 and is SNATed to its address (AWS-SNAT-CHAIN-0, appended to POSTROUTING).</summary>
    private void InstallSnat(BuiltNode node)
    {
        node.Host.AddRule(ExternalRulePriority, 254, to: Vpc, invert: true);
        var nat = node.Host.Netfilter.Nat;
        var chain = nat.GetOrCreateChain(SnatChain);
        nat.Builtin(NfInetHook.PostRouting).Append(new IptRule { Target = StandardTarget.Jump(chain), Comment = "AWS SNAT CHAIN" });
        chain.Append(new IptRule { Destination = Vpc, Target = StandardTarget.Return, Comment = "AWS SNAT CHAIN" });
        chain.Append(new IptRule
        {
            OutInterface = "vlan+", OutInterfaceInvert = true, Comment = "AWS, SNAT",
            Matches = [new AddrTypeMatch { DestinationType = AddrType.Local, DestinationInvert = true }],
            Target = new SnatTarget(node.Address),
        });
    }

    private VpcSubnet Subnet(Ipv4Prefix prefix)
    {
        if (_subnets.TryGetValue(prefix, out var s)) return s;
        var inUse = Cluster.Nodes.Select(n => n.Address).Where(prefix.Contains)
            .Concat(Enumerable.Range(0, 64).Select(k => (ulong)(ClusterBuilder.FirstExternalHost + k)).Where(k => k < prefix.Size).Select(prefix.Address));
        return _subnets[prefix] = new VpcSubnet(prefix, inUse);
    }

    private InputException Full(BuiltNode node) =>
        new(Cluster.Scenario.File, 0, "cluster.node_cidr", $"{node.Name}: the VPC subnet {node.NodeSubnet} has no free address left for {node.Name}'s ENIs");

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) =>
        plugins.Add(new AwsCniPlugin(cni, _ipamd[node]));

    /// <summary>
    /// 10-aws.conflist as aws-node's entrypoint renders it for an IPv4 cluster (misc/10-aws.conflist): aws-cni with
    /// vethPrefix "eni" and the MTU as a string, then portmap. The egress-cni entry (IPv6 clusters' IPv4 egress; a
    /// no-op with "enabled": "false") is left out.
    /// </summary>
    protected override string DefaultConflist(BuiltNode node) => """
        {"cniVersion":"0.4.0","name":"aws-cni","disableCheck":true,"plugins":[
         {"name":"aws-cni","type":"aws-cni","vethPrefix":"eni","mtu":"__CNI_MTU__","podSGEnforcingMode":"strict",
          "pluginLogFile":"/var/log/aws-routed-eni/plugin.log","pluginLogLevel":"DEBUG","capabilities":{"io.kubernetes.cri.pod-annotations":true}},
         {"type":"portmap","capabilities":{"portMappings":true},"snat":true}]}
        """;

    /// <summary>Nothing to exchange between nodes: the VPC already knows every ENI's addresses.</summary>
    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes) { }

    /// <summary>Per node: instance type, max pods, the ENIs attached with their addresses, and the pods that would have waited for one.</summary>
    public IEnumerable<string> Notes()
    {
        int max = _aws.PrefixDelegation ? EniMaxPods.Recommended(_type, true, Cluster.Scenario.Cluster.Nodes[0].Cores) : EniMaxPods.SecondaryIp(_type);
        foreach (var (node, ipamd) in _ipamd)
        {
            string enis = string.Join(", ", ipamd.Enis.Select(e => $"{e.Device.Name} {e.Addresses.Count - e.Assigned.Count} of {e.Addresses.Count} free" +
                (_aws.PrefixDelegation ? $" in {e.Prefixes.Count} /28" : "")));
            yield return $"aws-vpc-cni {node.Name} ({_aws.InstanceType}, max pods {max}): {ipamd.Enis.Count} ENIs attached ({enis}); " +
                $"{ipamd.PodsThatWaited} pods would have waited for an ENI attach";
        }
    }
}
