using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The CNI macvlan plugin (containernetworking/plugins main/macvlan): a macvlan device on "master" (default: the
/// host's default-route interface) in "mode" bridge (default), private, vepa or passthru, created as CNI_IFNAME in
/// the pod's netns with "mtu" (0: the master's); with an "ipam" section the IPAM result's addresses and routes are
/// configured on it (ipam.ConfigureIface), without one the link is only set up. No host-side device, route or rule:
/// the pod sits on the master's L2 network. DEL releases IPAM and deletes the link.
/// </summary>
public sealed class MacvlanPlugin : ICniPlugin
{
    private readonly CniNode _node;

    public MacvlanPlugin(CniNode node) => _node = node;

    public string Type => "macvlan";

    public CniResult Add(CniRequest request)
    {
        var netns = _node.Netns(request.Args.NetNs);
        var lower = LowerDevice.Master(_node.Host, request);
        var mode = ModeOf(request.GetString("mode", ""));
        int mtu = LowerDevice.Mtu(request, lower);
        if (PodInterface.Find(netns, request.Args.IfName) is not null)
            throw new CniException(CniException.Internal, $"failed to create macvlan: file exists ({request.Args.IfName})");
        MacvlanDevice dev;
        try
        {
            dev = new MacvlanDevice(netns, request.Args.IfName, lower, mode, mtu, MacOf(request));
        }
        catch (InvalidOperationException e)
        {
            throw new CniException(CniException.Internal, $"failed to create macvlan: {e.Message}");
        }
        var result = new CniResult();
        result.Interfaces.Add(new CniInterface(dev.Name, dev.Mac.ToString(), request.Args.NetNs));
        try
        {
            if (LowerDevice.HasIpam(request)) LowerDevice.ConfigureWithIpam(request, netns, dev, result);
        }
        catch (CniException)
        {
            dev.Delete();
            throw;
        }
        if (request.Config["dns"] is System.Text.Json.Nodes.JsonObject dns && dns.Count > 0) result.Dns = CniDns.From(dns);
        return result;
    }

    public void Del(CniRequest request)
    {
        if (LowerDevice.HasIpam(request)) request.DelegateDel();
        if (_node.TryNetns(request.Args.NetNs) is { } netns && PodInterface.Find(netns, request.Args.IfName) is MacvlanDevice dev) dev.Delete();
    }

    public void Check(CniRequest request)
    {
        if (LowerDevice.HasIpam(request)) request.DelegateCheck();
        var netns = _node.Netns(request.Args.NetNs);
        var mode = ModeOf(request.GetString("mode", ""));
        if (PodInterface.Find(netns, request.Args.IfName) is not { } link)
            throw new CniException(CniException.Internal, $"container Interface name in prevResult: {request.Args.IfName} not found");
        if (link is not MacvlanDevice mv) throw new CniException(CniException.Internal, $"error: Container interface {link.Name} not of type macvlan");
        if (mv.Mode != mode)
            throw new CniException(CniException.Internal, $"container macvlan mode {Name(mv.Mode)} does not match expected value: {Name(mode)}");
        if (request.PrevResult is { } prev) ExpectedState.Validate(netns, request.Args.IfName, prev);
    }

    /// <summary>modeFromString: "" and "bridge" are bridge.</summary>
    public static MacvlanMode ModeOf(string mode) => mode switch
    {
        "" or "bridge" => MacvlanMode.Bridge,
        "private" => MacvlanMode.Private,
        "vepa" => MacvlanMode.Vepa,
        "passthru" => MacvlanMode.Passthru,
        _ => throw new CniException(CniException.Internal, $"unknown macvlan mode: \"{mode}\""),
    };

    private static string Name(MacvlanMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>"mac" in the config (or runtimeConfig.mac): the slave's address instead of a generated one.</summary>
    private static MacAddress? MacOf(CniRequest request)
    {
        string? text = request.Config["runtimeConfig"] is System.Text.Json.Nodes.JsonObject rc && rc["mac"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? s) ? s : null;
        text ??= request.GetString("mac", "");
        if (text.Length == 0) return null;
        return LowerDevice.ParseMac(text, $"invalid args {text} for MAC addr: address {text}: invalid MAC address");
    }
}
