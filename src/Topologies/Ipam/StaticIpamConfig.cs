using System.Globalization;
using System.Text.Json.Nodes;
using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The static IPAM plugin's "ipam" section (containernetworking/plugins plugins/ipam/static, LoadIPAMConfig):
/// "addresses" (each "address" in CIDR form with an optional "gateway"), "routes" and "dns" echoed to the result.
/// CNI_ARGS IP=/GATEWAY= add addresses; args.cni.ips, then runtimeConfig.ips replace them. Every failure is a plain
/// error of the plugin, which the CNI library's skel returns as code 999 with the plugin's own message.
/// </summary>
public sealed class StaticIpamConfig
{
    private StaticIpamConfig(List<CniIp> addresses, List<CniRoute> routes, CniDns? dns)
    {
        Addresses = addresses;
        Routes = routes;
        Dns = dns;
    }

    public IReadOnlyList<CniIp> Addresses { get; }
    public IReadOnlyList<CniRoute> Routes { get; }
    public CniDns? Dns { get; }

    /// <summary>The section as static reads it; whereabouts (configureStatic) reads the same addresses, CNI_ARGS, routes and DNS but not the two overrides.</summary>
    public static StaticIpamConfig From(CniRequest request, bool overrides = true)
    {
        if (request.Config["ipam"] is not JsonObject ipam) throw Error("IPAM config missing 'ipam' key");
        var addresses = new List<CniIp>();
        if (ipam["addresses"] is JsonArray list)
            foreach (var entry in list.OfType<JsonObject>())
                addresses.Add(new CniIp(Str(entry, "address") ?? "", GatewayOf(entry)));
        AddFromCniArgs(request.Args, addresses);
        if (overrides && request.Config["args"] is JsonObject a && a["cni"] is JsonObject cni && cni["ips"] is JsonArray argIps && argIps.Count > 0)
            addresses = Replacement(argIps);
        if (overrides && request.Config["runtimeConfig"] is JsonObject rc && rc["ips"] is JsonArray rcIps && rcIps.Count > 0)
            addresses = Replacement(rcIps);
        int v4 = 0, v6 = 0;
        for (int i = 0; i < addresses.Count; i++)
        {
            if (!IpamSubnet.TryParseRaw(addresses[i].Address, out var addr, out int prefix))
                throw Error($"the 'address' field is expected to be in CIDR notation, got: '{addresses[i].Address}'");
            addresses[i] = addresses[i] with { Address = string.Create(CultureInfo.InvariantCulture, $"{addr}/{prefix}") }; // net.IPNet's canonical text
            if (addr.IsV6) v6++;
            else v4++;
        }
        if ((v4 > 1 || v6 > 1) && CniVersion.Parse(request.CniVersion) < new Version(0, 3, 0))
            throw Error($"CNI version {request.CniVersion} does not support more than 1 address per family");
        return new StaticIpamConfig(addresses, HostLocalConfig.RoutesOf(ipam), ipam["dns"] is JsonObject dns ? CniDns.From(dns) : null);
    }

    /// <summary>IP= (comma-separated CIDRs) appends addresses; GATEWAY= sets the gateway of each address whose subnet holds it.</summary>
    private static void AddFromCniArgs(CniArgs args, List<CniIp> addresses)
    {
        if (args.Arg("IP") is { Length: > 0 } ips)
            foreach (string item in ips.Split(','))
            {
                string text = item.Trim();
                if (!IpamSubnet.TryParseRaw(text, out _, out _)) throw Error($"the 'ip' field is expected to be in CIDR notation, got: '{text}'");
                addresses.Add(new CniIp(text, null));
            }
        if (args.Arg("GATEWAY") is not { Length: > 0 } gateways) return;
        foreach (string item in gateways.Split(','))
        {
            if (!IpamAddress.TryParse(item.Trim(), out var gw)) throw Error($"invalid gateway address: {item}");
            for (int i = 0; i < addresses.Count; i++)
                if (IpamSubnet.TryParseRaw(addresses[i].Address, out var a, out int p) && new IpamSubnet(a, p).Masked.Contains(gw))
                    addresses[i] = addresses[i] with { Gateway = gw.ToString() };
        }
    }

    private static List<CniIp> Replacement(JsonArray ips) => ips.Select(n =>
    {
        string text = n is JsonValue v && v.TryGetValue(out string? s) ? s : n?.ToJsonString() ?? "null";
        return IpamSubnet.TryParseRaw(text, out _, out _)
            ? new CniIp(text, null)
            : throw Error($"an entry in the 'ips' field is NOT in CIDR notation, got: '{text}'");
    }).ToList();

    /// <summary>"gateway" decodes as a Go net.IP: anything else fails the JSON decode with net's own message.</summary>
    private static string? GatewayOf(JsonObject entry)
    {
        if (entry["gateway"] is null) return null;
        string? text = Str(entry, "gateway");
        return IpamAddress.TryParse(text, out var gw) ? gw.ToString() : throw Error($"invalid IP address: {text ?? entry["gateway"]!.ToJsonString()}");
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static CniException Error(string msg) => new(CniException.Internal, msg);
}
