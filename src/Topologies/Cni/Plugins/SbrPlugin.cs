using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The source-based routing meta-plugin (containernetworking/plugins meta/sbr), chained after the plugin that made
/// CNI_IFNAME (a pod's second interface, typically): for each address the previous result puts on that interface it
/// adds the rule "from ADDRESS/32 lookup TABLE" (the first table from 100 that no rule names and no route is in, or
/// the configured "table"; the rule's preference is the kernel's default, one below the first rule after local), a
/// default route via the address's gateway in that table, and moves every route of the interface from main into it.
/// So what the pod sends from that address leaves by that interface, and the rest follows main. DEL removes the rules.
/// </summary>
public sealed class SbrPlugin : ICniPlugin
{
    private const int FirstTableId = 100;

    private readonly CniNode _node;
    /// <summary>Per attachment (netns, ifname): the rules ADD made.</summary>
    private readonly Dictionary<(string NetNs, string IfName), List<FibRule>> _rules = new();

    public SbrPlugin(CniNode node) => _node = node;

    public string Type => "sbr";

    public CniResult Add(CniRequest request)
    {
        var prev = request.PrevResult ?? throw new CniException(CniException.InvalidNetworkConfig, "must be called as chained plugin");
        var netns = _node.Netns(request.Args.NetNs);
        var dev = PodInterface.Find(netns, request.Args.IfName)
            ?? throw new CniException(CniException.Internal, $"failed to get link {request.Args.IfName}: Link not found");
        int table = request.Config["table"] is null ? NextTableId(netns) : request.GetInt("table", 0);
        var made = new List<FibRule>();
        foreach (var ip in AddressesOn(prev, request.Args.IfName))
        {
            var address = PodInterface.AddressOf(ip);
            made.Add(netns.AddRule(DefaultPreference(netns), table, from: new Ipv4Prefix(address, 32)));
            if (ip.Gateway is { } gw)
                netns.Table(table).Replace(new Route { Prefix = new Ipv4Prefix(Ipv4Address.Any, 0), Device = dev, Gateway = Ipv4Address.Parse(gw) });
            // Copy the interface's routes from main, then delete them there (RouteDel, RouteReplace into the table).
            foreach (var r in netns.Routes.Routes.Where(r => r.Device == dev).ToList())
            {
                netns.Routes.Remove(r);
                netns.Table(table).Replace(r);
            }
        }
        _rules[(request.Args.NetNs, request.Args.IfName)] = made;
        return prev;
    }

    public void Del(CniRequest request)
    {
        if (!_rules.Remove((request.Args.NetNs, request.Args.IfName), out var made)) return;
        if (_node.TryNetns(request.Args.NetNs) is not { } netns) return;
        foreach (var rule in made) netns.RemoveRule(rule);
    }

    public void Check(CniRequest request)
    {
        var netns = _node.Netns(request.Args.NetNs);
        var made = _rules.GetValueOrDefault((request.Args.NetNs, request.Args.IfName)) ?? [];
        foreach (var rule in made)
            if (!netns.Rules.Contains(rule))
                throw new CniException(CniException.Internal, $"sbr: rule {rule} for {request.Args.IfName} is missing");
    }

    /// <summary>The result's addresses whose interface index names CNI_IFNAME.</summary>
    private static IEnumerable<CniIp> AddressesOn(CniResult prev, string ifName) =>
        prev.Ips.Where(ip => ip.Interface is { } i && i >= 0 && i < prev.Interfaces.Count && prev.Interfaces[i].Name == ifName);

    /// <summary>getNextTableID: the first table from 100 that no rule names and no route is in.</summary>
    private static int NextTableId(NetworkNamespace netns)
    {
        int id = FirstTableId;
        while (netns.Rules.Any(r => r.TableId == id) || netns.Table(id).Count > 0) id++;
        return id;
    }

    /// <summary>fib_default_rule_pref: one below the first rule after the local rule (main's 32766 when none was added).</summary>
    private static int DefaultPreference(NetworkNamespace netns) =>
        (netns.Rules.Count > 0 ? Math.Min(netns.Rules[0].Priority, FibRule.MainPriority) : FibRule.MainPriority) - 1;
}
