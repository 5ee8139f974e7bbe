using NetSim.Datapaths.Devices;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The CNI ipvlan plugin (containernetworking/plugins main/ipvlan): an ipvlan device on "master" (default: the
/// host's default-route interface) in "mode" l2 (default) or l3, created as CNI_IFNAME in the pod's netns with "mtu"
/// (0: the master's), the IPAM result's addresses and routes configured on it. Every slave has the master's MAC.
/// DEL releases IPAM and deletes the link. "l3s" (L3 with the host's netfilter on receive) is refused.
/// </summary>
public sealed class IpvlanPlugin : ICniPlugin
{
    private readonly CniNode _node;

    public IpvlanPlugin(CniNode node) => _node = node;

    public string Type => "ipvlan";

    public CniResult Add(CniRequest request)
    {
        var netns = _node.Netns(request.Args.NetNs);
        var mode = ModeOf(request.GetString("mode", ""));
        var lower = LowerDevice.Master(_node.Host, request);
        int mtu = LowerDevice.Mtu(request, lower);
        if (PodInterface.Find(netns, request.Args.IfName) is not null)
            throw new CniException(CniException.Internal, $"failed to create ipvlan: file exists ({request.Args.IfName})");
        IpvlanDevice dev;
        try
        {
            dev = new IpvlanDevice(netns, request.Args.IfName, lower, mode, mtu);
        }
        catch (InvalidOperationException e)
        {
            throw new CniException(CniException.Internal, $"failed to create ipvlan: {e.Message}");
        }
        var result = new CniResult();
        result.Interfaces.Add(new CniInterface(dev.Name, dev.Mac.ToString(), request.Args.NetNs));
        try
        {
            if (!LowerDevice.HasIpam(request)) throw new CniException(CniException.Internal, "IPAM plugin returned missing IP config");
            LowerDevice.ConfigureWithIpam(request, netns, dev, result);
        }
        catch (CniException)
        {
            dev.Delete();
            throw;
        }
        return result;
    }

    public void Del(CniRequest request)
    {
        if (LowerDevice.HasIpam(request)) request.DelegateDel();
        if (_node.TryNetns(request.Args.NetNs) is { } netns && PodInterface.Find(netns, request.Args.IfName) is IpvlanDevice dev) dev.Delete();
    }

    public void Check(CniRequest request)
    {
        if (LowerDevice.HasIpam(request)) request.DelegateCheck();
        var netns = _node.Netns(request.Args.NetNs);
        var mode = ModeOf(request.GetString("mode", ""));
        if (PodInterface.Find(netns, request.Args.IfName) is not { } link)
            throw new CniException(CniException.Internal, $"Container Interface name in prevResult: {request.Args.IfName} not found");
        if (link is not IpvlanDevice iv) throw new CniException(CniException.Internal, $"Error: Container interface {link.Name} not of type ipvlan");
        if (iv.Mode != mode)
            throw new CniException(CniException.Internal, $"Container IPVlan mode {iv.Mode.ToString().ToLowerInvariant()} does not match expected value: {mode.ToString().ToLowerInvariant()}");
        if (request.PrevResult is { } prev) ExpectedState.Validate(netns, request.Args.IfName, prev);
    }

    /// <summary>modeFromString: "" and "l2" are L2; "l3s" exists in the plugin but is not modelled.</summary>
    public static IpvlanMode ModeOf(string mode) => mode switch
    {
        "" or "l2" => IpvlanMode.L2,
        "l3" => IpvlanMode.L3,
        "l3s" => throw new CniException(CniException.InvalidNetworkConfig, "ipvlan mode \"l3s\" (L3 with the host's netfilter on receive) is not modelled; use l2 or l3"),
        _ => throw new CniException(CniException.Internal, $"unknown ipvlan mode: \"{mode}\""),
    };
}
