using System.Globalization;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads a projectcalico.org/v3 NetworkPolicy or GlobalNetworkPolicy (Calico's NetworkPolicy / GlobalNetworkPolicy
/// resource reference): order, selector, a GNP's namespaceSelector, serviceAccountSelector, types (defaults: Ingress
/// unless the policy has only egress rules; Egress when it has egress rules), and ordered rules with action,
/// protocol / notProtocol and source / destination (nets, notNets, selector, notSelector, namespaceSelector,
/// serviceAccounts, ports, notPorts). What NetSim does not model (tiers other than default, host-endpoint options,
/// ICMP matches, HTTP matches, named ports, services, IPv6) is refused at its line.
/// </summary>
public static class CalicoPolicyReader
{
    public const string ApiVersion = "projectcalico.org/v3";

    public static CalicoPolicy Read(YamlMap m, string kind)
    {
        bool global = kind == "GlobalNetworkPolicy";
        var (name, ns) = PolicyMetadata.Read(m, kind, global);
        var spec = m.Map("spec");
        if (spec.OptionalString("tier") is { } tier && tier != "default")
            throw spec.Error("tier", $"tier '{tier}' is not modelled (NetSim has the default tier only; see scenarios/README.md)");
        double? order = spec.Has("order") ? (double)spec.Number("order", 0, -1e9m, 1e9m) : null;
        var selector = Selector(spec, "selector") ?? CalicoSelector.All;
        var nsSelector = global ? Selector(spec, "namespaceSelector") : null;
        var saSelector = Selector(spec, "serviceAccountSelector");
        foreach (string hostOnly in new[] { "doNotTrack", "preDNAT", "applyOnForward" })
            if (spec.Flag(hostOnly, false)) throw spec.Error(hostOnly, $"{hostOnly} applies to host endpoints, which NetSim does not model");
        var ingress = spec.Maps("ingress").Select(Rule).ToList();
        var egress = spec.Maps("egress").Select(Rule).ToList();
        var (appliesIn, appliesOut) = Types(spec, spec.Has("ingress") && ingress.Count > 0, egress.Count > 0);
        spec.RejectUnknown();
        m.RejectUnknown();
        return new CalicoPolicy($"Calico {kind}", ns, name, order, selector, nsSelector, saSelector, appliesIn, appliesOut, ingress, egress);
    }

    private static (bool Ingress, bool Egress) Types(YamlMap spec, bool hasIngress, bool hasEgress)
    {
        var types = spec.Strings("types");
        if (types.Count == 0) return (hasIngress || !hasEgress, hasEgress);
        bool i = false, e = false;
        foreach (string t in types)
        {
            if (t == "Ingress") i = true;
            else if (t == "Egress") e = true;
            else throw spec.Error("types", $"'{t}' is not Ingress or Egress");
        }
        return (i, e);
    }

    private static CalicoSelector? Selector(YamlMap m, string key)
    {
        if (m.OptionalString(key) is not { } text) return null;
        try
        {
            return CalicoSelector.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw m.Error(key, e.Message);
        }
    }

    private static CalicoRule Rule(YamlMap r)
    {
        var action = r.OneOf("action", "", "Allow", "Deny", "Log", "Pass") switch
        {
            "Allow" => CalicoAction.Allow,
            "Deny" => CalicoAction.Deny,
            "Log" => CalicoAction.Log,
            "Pass" => CalicoAction.Pass,
            _ => throw r.Error("action", "is required (Allow, Deny, Log or Pass)"),
        };
        byte protocol = Protocol(r, "protocol"), notProtocol = Protocol(r, "notProtocol");
        if (protocol != 0 && notProtocol != 0) throw r.Error("notProtocol", "protocol and notProtocol together are not modelled");
        if (r.OptionalString("ipVersion") is { } v && v != "4") throw r.Error("ipVersion", $"IPv{v} is not modelled (NetSim's cluster is IPv4)");
        foreach (string unsupported in new[] { "icmp", "notICMP", "http" })
            if (r.Has(unsupported)) throw r.Error(unsupported, $"{unsupported} matches are not modelled");
        r.OptionalMap("metadata")?.StringMap("annotations");
        var source = r.OptionalMap("source") is { } s ? Entity(s, protocol) : CalicoEntityRule.Any;
        var destination = r.OptionalMap("destination") is { } d ? Entity(d, protocol) : CalicoEntityRule.Any;
        r.RejectUnknown();
        return new CalicoRule(action, protocol, notProtocol, source, destination);
    }

    /// <summary>A protocol by name (TCP, UDP, ICMP, SCTP, UDPLite, any case) or number 1..255; 0 when not given.</summary>
    private static byte Protocol(YamlMap r, string key)
    {
        if (r.OptionalString(key) is not { } p) return 0;
        if (byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out byte n) && n > 0) return n;
        return p.ToUpperInvariant() switch
        {
            "TCP" => 6,
            "UDP" => 17,
            "ICMP" => 1,
            "SCTP" => 132,
            "UDPLITE" => 136,
            "ICMPV6" => throw r.Error(key, "ICMPv6 is not modelled (NetSim's cluster is IPv4)"),
            _ => throw r.Error(key, $"'{p}' is not TCP, UDP, ICMP, SCTP, UDPLite or a number 1..255"),
        };
    }

    private static CalicoEntityRule Entity(YamlMap e, byte protocol)
    {
        var nets = Nets(e, "nets");
        var notNets = Nets(e, "notNets");
        if (e.Has("services")) throw e.Error("services", "service matches are not modelled");
        var sa = e.OptionalMap("serviceAccounts");
        var saNames = sa?.Strings("names") ?? [];
        var saSelector = sa is null ? null : Selector(sa, "selector");
        sa?.RejectUnknown();
        var ports = Ports(e, "ports", protocol);
        var notPorts = Ports(e, "notPorts", protocol);
        var entity = new CalicoEntityRule(nets, notNets, Selector(e, "selector"), Selector(e, "notSelector"), Selector(e, "namespaceSelector"),
            saNames, saSelector, ports, notPorts);
        e.RejectUnknown();
        return entity;
    }

    private static List<Ipv4Prefix> Nets(YamlMap e, string key)
    {
        var list = new List<Ipv4Prefix>();
        foreach (string s in e.Strings(key))
        {
            string text = s.Contains('/', StringComparison.Ordinal) ? s : s + "/32";
            if (!Ipv4Prefix.TryParse(text, out var prefix, out string error)) throw e.Error(key, $"'{s}': {error} (IPv6 is not modelled)");
            list.Add(prefix);
        }
        return list;
    }

    /// <summary>Ports: numbers or "first:last" ranges; only with protocol TCP, UDP or SCTP (Calico's own validation). Named ports are not modelled.</summary>
    private static List<PortEntry> Ports(YamlMap e, string key, byte protocol)
    {
        var list = new List<PortEntry>();
        var items = e.Strings(key);
        if (items.Count > 0 && protocol is not (6 or 17 or 132)) throw e.Error(key, "ports need protocol TCP, UDP or SCTP on the rule");
        foreach (string s in items)
        {
            string[] parts = s.Split(':');
            if (parts.Length > 2 || !parts.All(p => ushort.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw e.Error(key, $"'{s}' is not a port or a first:last range (named ports are not modelled)");
            ushort first = ushort.Parse(parts[0], CultureInfo.InvariantCulture), last = ushort.Parse(parts[^1], CultureInfo.InvariantCulture);
            if (last < first) throw e.Error(key, $"'{s}': the range ends before it starts");
            list.Add(new PortEntry(0, first, last));
        }
        return list;
    }
}
