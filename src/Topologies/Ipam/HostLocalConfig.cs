using System.Text.Json.Nodes;
using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// host-local's "ipam" section (config.go, reference §2.1): range sets in order runtimeConfig.ipRanges, then the
/// legacy top-level subnet, then "ranges"; routes echoed to the result; requested IPs from CNI_ARGS IP=,
/// args.cni.ips and runtimeConfig.ips.
/// </summary>
public sealed class HostLocalConfig
{
    private HostLocalConfig(IReadOnlyList<RangeSet> rangeSets, IReadOnlyList<CniRoute> routes, IReadOnlyList<IpamAddress> requested)
    {
        RangeSets = rangeSets;
        Routes = routes;
        RequestedIps = requested;
    }

    public IReadOnlyList<RangeSet> RangeSets { get; }
    public IReadOnlyList<CniRoute> Routes { get; }
    public IReadOnlyList<IpamAddress> RequestedIps { get; }

    public static HostLocalConfig From(CniRequest request)
    {
        if (request.Config["ipam"] is not JsonObject ipam) throw Invalid("IPAM config missing 'ipam' key");
        var sets = new List<List<JsonObject>>();
        if (request.Config["runtimeConfig"] is JsonObject rc && rc["ipRanges"] is JsonArray runtimeRanges)
            sets.AddRange(RangeSetsOf(runtimeRanges));
        if (ipam["subnet"] is JsonValue) sets.Add([ipam]);
        if (ipam["ranges"] is JsonArray ranges) sets.AddRange(RangeSetsOf(ranges));
        if (sets.Count == 0) throw Invalid("no IP ranges specified");

        var built = new List<RangeSet>();
        for (int i = 0; i < sets.Count; i++)
        {
            try
            {
                built.Add(new RangeSet(sets[i].Select(ToRange).ToList()));
            }
            catch (IpamException e)
            {
                throw Invalid($"invalid range set {i}: {e.Message}");
            }
        }
        for (int i = 0; i < built.Count; i++)
            for (int j = i + 1; j < built.Count; j++)
                if (built[i].Overlaps(built[j])) throw Invalid($"range set {i} overlaps with {j}");
        CheckVersionAllowsSets(request.CniVersion, built);
        return new HostLocalConfig(built, RoutesOf(ipam), RequestedOf(request));
    }

    private static IEnumerable<List<JsonObject>> RangeSetsOf(JsonArray outer) =>
        outer.Select(set => set is JsonArray inner
            ? inner.OfType<JsonObject>().ToList()
            : throw Invalid("a range set must be a list of ranges"));

    private static IpRange ToRange(JsonObject r) =>
        new(Str(r, "subnet") ?? throw new IpamException("range has no subnet"), Str(r, "rangeStart"), Str(r, "rangeEnd"), Str(r, "gateway"));

    private static void CheckVersionAllowsSets(string version, List<RangeSet> sets)
    {
        if (CniVersion.Parse(version) >= new Version(0, 3, 0)) return;
        if (sets.Count(s => !s.IsV6) > 1 || sets.Count(s => s.IsV6) > 1)
            throw Invalid($"CNI version {version} does not support more than 1 address per family");
    }

    /// <summary>An ipam section's "routes" (types.Route: dst, gw), as host-local, static and whereabouts read them.</summary>
    public static List<CniRoute> RoutesOf(JsonObject ipam) =>
        ipam["routes"] is JsonArray routes
            ? routes.OfType<JsonObject>().Select(r => new CniRoute(Str(r, "dst") ?? "", Str(r, "gw"))).ToList()
            : new List<CniRoute>();

    private static List<IpamAddress> RequestedOf(CniRequest request)
    {
        var ips = new List<IpamAddress>();
        foreach (string pair in request.Args.Args.Split(';', StringSplitOptions.RemoveEmptyEntries))
            if (pair.StartsWith("IP=", StringComparison.Ordinal)) ips.Add(ParseIp(pair[3..]));
        if (request.Config["args"] is JsonObject a && a["cni"] is JsonObject cni && cni["ips"] is JsonArray argIps)
            ips.AddRange(argIps.Select(n => ParseIp(n!.GetValue<string>())));
        if (request.Config["runtimeConfig"] is JsonObject rc && rc["ips"] is JsonArray rcIps)
            ips.AddRange(rcIps.Select(n => ParseIp(n!.GetValue<string>())));
        return ips;
    }

    /// <summary>"IP=10.1.2.11/24" requests 10.1.2.11: the prefix is stripped.</summary>
    private static IpamAddress ParseIp(string text)
    {
        string ip = text.Split('/')[0];
        return IpamAddress.TryParse(ip, out var a) ? a : throw Invalid($"invalid IP {text}");
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static CniException Invalid(string msg) => new(CniException.InvalidNetworkConfig, msg);
}
