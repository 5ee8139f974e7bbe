using System.Text.Json.Nodes;
using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// A whereabouts range (pkg/config LoadIPAMConfig, pkg/allocate): "range" as a CIDR (host bits allowed: the pool is
/// the masked network) or as "FIRST-LAST/PREFIX"; "range_start" and "range_end" narrow it only when they fall inside
/// the usable addresses (network and broadcast excluded), as GetIPRange does; "exclude" lists CIDRs or single
/// addresses never handed out, parsed when an address is assigned (as the plugin does).
/// </summary>
public sealed record WhereaboutsRange(IpamSubnet Pool, IpamAddress First, IpamAddress Last, IReadOnlyList<string> Exclude)
{
    public static WhereaboutsRange From(JsonObject ipam)
    {
        string text = Str(ipam, "range") ?? "";
        IpamAddress? start = Ip(ipam, "range_start"), end = Ip(ipam, "range_end");
        IpamSubnet pool;
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            string first = text[..dash], cidr = text[(dash + 1)..];
            if (!IpamAddress.TryParse(first, out var f)) throw Error($"invalid range start IP: {first}");
            if (!IpamSubnet.TryParseRaw(cidr, out var last, out int p)) throw Error($"invalid CIDR (do you have the 'range' parameter set for Whereabouts?) '{cidr}': invalid CIDR address: {cidr}");
            pool = new IpamSubnet(last, p).Masked;
            if (!pool.Contains(f)) throw Error($"invalid range start for CIDR {pool}: {first}");
            (start, end) = (f, last);
        }
        else
        {
            if (!IpamSubnet.TryParseRaw(text, out var a, out int p)) throw Error($"invalid CIDR {text}: invalid CIDR address: {text}");
            pool = new IpamSubnet(a, p).Masked;
        }
        var (firstUsable, lastUsable) = Usable(pool);
        if (start is { } s && s >= firstUsable && s <= lastUsable) firstUsable = s;
        if (end is { } e && e >= firstUsable && e <= lastUsable) lastUsable = e;
        var exclude = ipam["exclude"] is JsonArray ex ? ex.Select(n => n is JsonValue v && v.TryGetValue(out string? x) ? x : n?.ToJsonString() ?? "").ToList() : [];
        return new WhereaboutsRange(pool, firstUsable, lastUsable, exclude);
    }

    /// <summary>The pool without its network and broadcast addresses (iphelpers FirstUsableIP/LastUsableIP).</summary>
    private static (IpamAddress, IpamAddress) Usable(IpamSubnet pool)
    {
        if (pool.HostMask < 2) throw Error($"net mask is too short, expected 31 or more, got {pool.PrefixLength}");
        return (pool.Network.Next(), pool.Last.Previous());
    }

    /// <summary>The excluded subnets; an entry that is neither a CIDR nor an address fails the assignment.</summary>
    public List<IpamSubnet> ExcludedSubnets()
    {
        var list = new List<IpamSubnet>();
        foreach (string x in Exclude)
        {
            if (IpamSubnet.TryParseRaw(x, out var a, out int p)) list.Add(new IpamSubnet(a, p).Masked);
            else if (IpamAddress.TryParse(x, out var ip)) list.Add(new IpamSubnet(ip, ip.Bits));
            else throw new IpamException($"could not parse exclude range, err: \"invalid CIDR address: {x}\"");
        }
        return list;
    }

    private static IpamAddress? Ip(JsonObject o, string key)
    {
        if (o[key] is null) return null;
        string? text = Str(o, key);
        return IpamAddress.TryParse(text, out var a) ? a : throw Error($"invalid IP address: {text ?? o[key]!.ToJsonString()}");
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static CniException Error(string msg) => new(CniException.Internal, msg);
}
