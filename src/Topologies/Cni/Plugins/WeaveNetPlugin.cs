using System.Text.Json.Nodes;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// Weave Net's CNI plugin (type "weave-net", weaveworks/weave plugin/net): attaches the pod to the node's "weave"
/// bridge with a veth, an address from the node's part of Weave's IPAM ring (the whole range as the pod's subnet,
/// so every pod in the cluster is on-link: Weave is one L2 network), the bridge's address as default gateway, and
/// the bridge's MTU. The attach is delegated to the bridge plugin (isGateway off: the bridge address is weave's
/// own, set by the router) with host-local over the node's share; a conflist "ipam" section replaces it.
/// </summary>
public sealed class WeaveNetPlugin : ICniPlugin
{
    private readonly Ipv4Prefix _range;
    private readonly Ipv4Address _first, _last, _bridgeAddress;
    private readonly int _mtu;

    public WeaveNetPlugin(Ipv4Prefix range, (Ipv4Address First, Ipv4Address Last) share, Ipv4Address bridgeAddress, int mtu)
    {
        _range = range;
        (_first, _last) = share;
        _bridgeAddress = bridgeAddress;
        _mtu = mtu;
    }

    public string Type => "weave-net";

    public CniResult Add(CniRequest request) => request.Plugins.Find("bridge").Add(Delegate(request));

    public void Del(CniRequest request) => request.Plugins.Find("bridge").Del(Delegate(request));

    public void Check(CniRequest request) => request.Plugins.Find("bridge").Check(Delegate(request));

    private CniRequest Delegate(CniRequest request)
    {
        var c = request.Config;
        var d = new JsonObject
        {
            ["cniVersion"] = request.CniVersion,
            ["name"] = request.NetworkName,
            ["type"] = "bridge",
            ["bridge"] = "weave",
            ["isGateway"] = false,
            ["ipMasq"] = false,
            ["hairpinMode"] = c["hairpinMode"]?.DeepClone() ?? false,
            ["mtu"] = _mtu,
            ["ipam"] = c["ipam"]?.DeepClone() ?? new JsonObject
            {
                ["type"] = "host-local",
                ["ranges"] = new JsonArray(new JsonArray(new JsonObject
                {
                    ["subnet"] = _range.ToString(), ["rangeStart"] = _first.ToString(), ["rangeEnd"] = _last.ToString(), ["gateway"] = _bridgeAddress.ToString(),
                })),
                ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0", ["gw"] = _bridgeAddress.ToString() }),
            },
        };
        return request with { Config = d };
    }
}
