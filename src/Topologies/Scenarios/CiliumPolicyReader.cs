using System.Globalization;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads a cilium.io/v2 CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy at L3/L4 (Cilium's policy language
/// reference): endpointSelector, ingress/egress and ingressDeny/egressDeny rules with fromEndpoints/toEndpoints,
/// fromEntities/toEntities, fromCIDR/toCIDR, fromCIDRSet/toCIDRSet (with except), toPorts (port, endPort, protocol
/// TCP/UDP/SCTP/ANY), and enableDefaultDeny. Selector keys may carry the "k8s:" or "any:" source. A CNP's selectors
/// are scoped to its namespace unless they name io.kubernetes.pod.namespace. L7 rules, FQDNs, Services, groups, node
/// selectors, ICMP and auth are refused at their line.
/// </summary>
public static class CiliumPolicyReader
{
    public const string ApiVersion = "cilium.io/v2";

    private static readonly string[] Entities = ["world", "host", "remote-node", "cluster", "all"];

    public static CiliumPolicy Read(YamlMap m, string kind)
    {
        bool clusterwide = kind == "CiliumClusterwideNetworkPolicy";
        var (name, ns) = PolicyMetadata.Read(m, kind, clusterwide);
        if (m.Has("specs")) throw m.Error("specs", "a list of specs is not modelled (write one policy per spec)");
        var spec = m.Map("spec");
        spec.OptionalString("description");
        if (spec.Has("nodeSelector")) throw spec.Error("nodeSelector", "host policies (nodeSelector) are not modelled");
        if (spec.Has("labels")) throw spec.Error("labels", "rule labels are not modelled");
        var selector = Selector(spec.OptionalMap("endpointSelector") ?? throw spec.Error("endpointSelector", "is required"), clusterwide ? null : ns, true);
        var defaultDeny = spec.OptionalMap("enableDefaultDeny");
        bool? denyIn = defaultDeny?.Has("ingress") == true ? defaultDeny.Flag("ingress", true) : null;
        bool? denyOut = defaultDeny?.Has("egress") == true ? defaultDeny.Flag("egress", true) : null;
        defaultDeny?.RejectUnknown();
        string? scope = clusterwide ? null : ns;
        var policy = new CiliumPolicy(kind, ns, name, selector, denyIn, denyOut,
            spec.Maps("ingress").Select(r => Rule(r, "from", scope)).ToList(),
            spec.Maps("ingressDeny").Select(r => Rule(r, "from", scope)).ToList(),
            spec.Maps("egress").Select(r => Rule(r, "to", scope)).ToList(),
            spec.Maps("egressDeny").Select(r => Rule(r, "to", scope)).ToList());
        spec.RejectUnknown();
        m.RejectUnknown();
        return policy;
    }

    private static CiliumRule Rule(YamlMap r, string dir, string? scope)
    {
        foreach (string l7 in dir == "to" ? new[] { "toFQDNs", "toServices", "toGroups", "toRequires", "toNodes", "icmps", "authentication" }
                     : ["fromRequires", "fromNodes", "fromGroups", "icmps", "authentication"])
            if (r.Has(l7)) throw r.Error(l7, $"{l7} is not modelled (NetSim models Cilium policy at L3/L4: endpoints, entities, CIDRs, ports)");
        var endpoints = r.Maps($"{dir}Endpoints").Select(s => Selector(s, scope, false)).ToList();
        var entities = new List<string>();
        foreach (string e in r.Strings($"{dir}Entities"))
        {
            string entity = e == "world-ipv4" ? "world" : e;
            if (!Entities.Contains(entity, StringComparer.Ordinal))
                throw r.Error($"{dir}Entities", $"entity '{e}' is not modelled (NetSim models {string.Join(", ", Entities)})");
            entities.Add(entity);
        }
        var cidrs = r.Strings($"{dir}CIDR").Select(c => new IpBlock(Prefix(r, $"{dir}CIDR", c), [])).ToList();
        foreach (var set in r.Maps($"{dir}CIDRSet"))
        {
            if (set.Has("cidrGroupRef")) throw set.Error("cidrGroupRef", "CIDR groups are not modelled");
            var cidr = Prefix(set, "cidr", set.Text("cidr"));
            var except = set.Strings("except").Select(x => Prefix(set, "except", x)).ToList();
            foreach (var x in except)
                if (!cidr.Contains(x) || x.Length == cidr.Length) throw set.Error("except", $"{x} is not strictly inside {cidr}");
            set.RejectUnknown();
            cidrs.Add(new IpBlock(cidr, except));
        }
        var ports = new List<PortEntry>();
        foreach (var tp in r.Maps("toPorts"))
        {
            foreach (string l7 in new[] { "rules", "listener", "originatingTLS", "terminatingTLS", "serverNames" })
                if (tp.Has(l7)) throw tp.Error(l7, $"{l7} (L7 policy) is not modelled");
            foreach (var p in tp.Maps("ports")) ports.Add(Port(p));
            tp.RejectUnknown();
        }
        r.RejectUnknown();
        return new CiliumRule(endpoints, entities, cidrs, ports);
    }

    private static PortEntry Port(YamlMap p)
    {
        string text = p.Text("port");
        if (!ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port))
            throw p.Error("port", $"'{text}' is not a port number (named ports are not modelled)");
        int end = p.Has("endPort") ? p.Count("endPort", 0, port, 65535) : port;
        byte protocol = p.OneOf("protocol", "ANY", "TCP", "UDP", "SCTP", "ANY") switch { "TCP" => 6, "UDP" => 17, "SCTP" => 132, _ => 0 };
        p.RejectUnknown();
        // Port 0 is Cilium's "every port" for the protocol.
        return port == 0 ? new PortEntry(protocol, 0, ushort.MaxValue) : new PortEntry(protocol, port, (ushort)end);
    }

    private static Ipv4Prefix Prefix(YamlMap m, string key, string text)
    {
        string s = text.Contains('/', StringComparison.Ordinal) ? text : text + "/32";
        return Ipv4Prefix.TryParse(s, out var prefix, out string error) ? prefix : throw m.Error(key, $"'{text}': {error} (IPv6 is not modelled)");
    }

    /// <summary>
    /// A label selector over Cilium's labels: "k8s:" and "any:" sources dropped, other sources refused; in a namespaced
    /// policy the selector is limited to the policy's namespace (always for the endpointSelector, for a peer unless it
    /// names io.kubernetes.pod.namespace itself).
    /// </summary>
    private static LabelSelector Selector(YamlMap s, string? scope, bool subject)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in s.StringMap("matchLabels")) labels[Key(s, "matchLabels", k)] = v;
        var expressions = new List<LabelRequirement>();
        foreach (var e in s.Maps("matchExpressions"))
        {
            string key = Key(e, "key", e.Text("key"));
            var op = e.OneOf("operator", "", "In", "NotIn", "Exists", "DoesNotExist") switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                "DoesNotExist" => SelectorOperator.DoesNotExist,
                _ => throw e.Error("operator", "is required (In, NotIn, Exists, DoesNotExist)"),
            };
            var values = e.Strings("values");
            if (op is SelectorOperator.In or SelectorOperator.NotIn && values.Count == 0) throw e.Error("values", $"{op} needs at least one value");
            e.RejectUnknown();
            expressions.Add(new LabelRequirement(key, op, values));
        }
        s.RejectUnknown();
        bool namesNamespace = labels.ContainsKey(CiliumPolicy.NamespaceLabel) || expressions.Any(x => x.Key == CiliumPolicy.NamespaceLabel);
        if (scope is not null && (subject || !namesNamespace)) labels[CiliumPolicy.NamespaceLabel] = scope;
        return new LabelSelector(labels, expressions);
    }

    private static string Key(YamlMap m, string field, string key)
    {
        int colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return key;
        string source = key[..colon];
        return source is "k8s" or "any" ? key[(colon + 1)..] : throw m.Error(field, $"label source '{source}:' is not modelled (only k8s: and any:)");
    }
}
