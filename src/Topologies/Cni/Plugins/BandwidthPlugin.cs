using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The bandwidth meta-plugin as Calico's conflist chains it: without rates (no ingress/egress rate in the config
/// or in runtimeConfig.bandwidth, i.e. no kubernetes.io/*-bandwidth annotation) it passes the previous result
/// through, as the real plugin does. Rates would need a tbf qdisc, which NetSim does not model: that is refused.
/// </summary>
public sealed class BandwidthPlugin : ICniPlugin
{
    private static readonly string[] RateKeys = ["ingressRate", "ingressBurst", "egressRate", "egressBurst"];

    public string Type => "bandwidth";

    public CniResult Add(CniRequest request)
    {
        var prev = request.PrevResult ?? throw new CniException(CniException.InvalidNetworkConfig, "bandwidth: must be called as chained plugin");
        RejectRates(request);
        return prev;
    }

    public void Del(CniRequest request) { }

    public void Check(CniRequest request) => RejectRates(request);

    private static void RejectRates(CniRequest request)
    {
        var runtime = request.Config["runtimeConfig"] is JsonObject rc ? rc["bandwidth"] as JsonObject : null;
        foreach (string key in RateKeys)
            if (request.Config[key] is JsonNode || runtime?[key] is JsonNode)
                throw new CniException(CniException.UnsupportedField, $"bandwidth: {key} needs a tbf qdisc, which NetSim does not model");
    }
}
