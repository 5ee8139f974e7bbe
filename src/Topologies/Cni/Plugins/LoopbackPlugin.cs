namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The loopback plugin, which the container runtime runs on every sandbox before the pod network: a new netns has
/// lo down, and containers of a pod talk over localhost only once this has set it up.
/// </summary>
public sealed class LoopbackPlugin : ICniPlugin
{
    private readonly CniNode _node;

    public LoopbackPlugin(CniNode node) => _node = node;

    public string Type => "loopback";

    public CniResult Add(CniRequest request)
    {
        var netns = _node.Netns(request.Args.NetNs);
        netns.Loopback.IsUp = true;
        var result = new CniResult();
        result.Interfaces.Add(new CniInterface("lo", "00:00:00:00:00:00", request.Args.NetNs));
        result.Ips.Add(new CniIp("127.0.0.1/8", null, 0));
        return result;
    }

    /// <summary>Best effort: a netns already gone is fine.</summary>
    public void Del(CniRequest request)
    {
        if (_node.TryNetns(request.Args.NetNs) is { } netns) netns.Loopback.IsUp = false;
    }

    public void Check(CniRequest request)
    {
        if (!_node.Netns(request.Args.NetNs).Loopback.IsUp) throw new CniException(CniException.Internal, "loopback interface is down");
    }
}
