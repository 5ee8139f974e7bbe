using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni.Aws;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The VPC CNI's binary, aws-cni (cmd/routed-eni-cni-plugin): asks the node's ipamd for an address (a secondary IP
/// of one of the node's ENIs), creates a veth (the host end named vethPrefix + a hash of the pod, "eni…"), gives the
/// pod its /32 with "169.254.1.1 dev eth0 scope link" and "default via 169.254.1.1", and a permanent neighbour
/// entry for 169.254.1.1 at the host end's MAC (the pod never ARPs). On the host: "PODIP dev eni… scope link", the
/// rule "to PODIP lookup main" at 512 and, for a pod on a secondary ENI, "from PODIP lookup &lt;device number + 1&gt;"
/// at 1536, so its traffic leaves by the ENI that holds its address.
/// </summary>
public sealed class AwsCniPlugin : ICniPlugin
{
    public const int ToContainerRulePriority = 512;
    public const int FromPodRulePriority = 1536;
    /// <summary>The dummy next hop every pod routes through.</summary>
    public static readonly Ipv4Address PodGateway = Ipv4Address.Parse("169.254.1.1");

    private readonly CniNode _node;
    private readonly Ipamd _ipamd;

    public AwsCniPlugin(CniNode node, Ipamd ipamd)
    {
        _node = node;
        _ipamd = ipamd;
    }

    public string Type => "aws-cni";

    public CniResult Add(CniRequest request)
    {
        var netns = _node.Netns(request.Args.NetNs);
        var (ip, eni) = _ipamd.Assign(request.Args.ContainerId);
        try
        {
            return Attach(request, netns, ip, eni);
        }
        catch (CniException)
        {
            _ipamd.Release(request.Args.ContainerId);
            throw;
        }
    }

    private CniResult Attach(CniRequest request, Datapaths.Namespaces.NetworkNamespace netns, Ipv4Address ip, AttachedEni eni)
    {
        string hostName = VethNames.HostSide(request.GetString("vethPrefix", "eni"), request.Args);
        var veth = PodInterface.SetupVeth(netns, request.Args.IfName, _node.Host, hostName, Mtu(request));
        netns.AddAddress(veth.A, $"{ip}/32");
        netns.AddRoute($"{PodGateway}/32", veth.A);
        netns.AddRoute("0.0.0.0/0", veth.A, via: PodGateway.ToString(), onLink: true);
        netns.Neighbours.Add(veth.A, PodGateway, veth.B.Mac);
        var host = _node.Host;
        host.AddRoute($"{ip}/32", veth.B);
        var pod = new Ipv4Prefix(ip, 32);
        host.AddRule(ToContainerRulePriority, 254, to: pod);
        if (eni.DeviceNumber > 0) host.AddRule(FromPodRulePriority, eni.RouteTable, from: pod);
        _node.LocalEndpoints.Add((ip, veth.B));
        var result = new CniResult();
        result.Interfaces.Add(new CniInterface(veth.B.Name, veth.B.Mac.ToString()));
        result.Interfaces.Add(new CniInterface(veth.A.Name, veth.A.Mac.ToString(), request.Args.NetNs));
        result.Ips.Add(new CniIp($"{ip}/32", null, 1));
        result.Routes.Add(new CniRoute("0.0.0.0/0", PodGateway.ToString()));
        return result;
    }

    /// <summary>The conflist's "mtu" is a string ("9001") as aws-node's entrypoint writes it; a number is accepted too.</summary>
    private static int Mtu(CniRequest request) =>
        request.Config["mtu"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? s)
            ? int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int m) ? m
                : throw new CniException(CniException.InvalidNetworkConfig, $"aws-cni: mtu \"{s}\" is not a number")
            : request.GetInt("mtu", 9001);

    /// <summary>Best effort: the rules, the route and the address go even when the netns is gone.</summary>
    public void Del(CniRequest request)
    {
        string hostName = VethNames.HostSide(request.GetString("vethPrefix", "eni"), request.Args);
        var entry = _node.LocalEndpoints.FirstOrDefault(e => e.HostVeth.Name == hostName);
        if (entry.HostVeth is not null)
        {
            foreach (var rule in _node.Host.Rules.Where(r => r.From.Network == entry.Ip && r.From.Length == 32 || r.To.Network == entry.Ip && r.To.Length == 32).ToList())
                _node.Host.RemoveRule(rule);
            _node.LocalEndpoints.Remove(entry);
        }
        _ipamd.Release(request.Args.ContainerId);
        if (PodInterface.Find(_node.Host, hostName) is { } dev) dev.Delete();
    }

    public void Check(CniRequest request) => _node.CheckLocalEndpoint(request, Type);
}
