using k8s.Models;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// Turns the official networking/v1 model (k8s.Models.V1NetworkPolicy, as KubernetesClient reads it from a scenario
/// or a manifest) into NetSim's <see cref="NetworkPolicy"/>, applying the API's defaults (policyTypes, protocol TCP)
/// and its validation (kubernetes/api networking/v1 types.go; ValidateNetworkPolicy in pkg/apis/networking/validation):
/// every problem is a <see cref="PolicyFieldException"/> naming the field.
/// </summary>
public static class NetworkPolicyConverter
{
    public static NetworkPolicy Convert(V1NetworkPolicy policy, string defaultNamespace)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.ApiVersion != "networking.k8s.io/v1")
            throw new PolicyFieldException("apiVersion", $"'{policy.ApiVersion}' is not networking.k8s.io/v1");
        if (policy.Kind != "NetworkPolicy") throw new PolicyFieldException("kind", $"'{policy.Kind}' is not NetworkPolicy");
        string name = policy.Metadata?.Name ?? throw new PolicyFieldException("metadata.name", "is required");
        if (!Scenarios.Dns1123.IsSubdomain(name)) throw new PolicyFieldException("metadata.name", $"'{name}' is not a valid name");
        string ns = policy.Metadata.NamespaceProperty ?? defaultNamespace;
        var spec = policy.Spec ?? throw new PolicyFieldException("spec", "is required");
        // An absent podSelector is Go's zero LabelSelector: empty, every pod of the namespace (as {}).
        var podSelector = Selector(spec.PodSelector, "spec.podSelector") ?? LabelSelector.Everything;
        var ingress = (spec.Ingress ?? []).Select((r, i) => Rule(r.FromProperty, r.Ports, $"spec.ingress[{i}]", "from")).ToList();
        var egress = (spec.Egress ?? []).Select((r, i) => Rule(r.To, r.Ports, $"spec.egress[{i}]", "to")).ToList();
        var (isolatesIngress, isolatesEgress) = PolicyTypes(spec);
        return new NetworkPolicy(ns, name, podSelector, isolatesIngress, isolatesEgress, ingress, egress);
    }

    /// <summary>policyTypes: as given; when absent, Ingress always and Egress only when the policy has egress rules.</summary>
    private static (bool Ingress, bool Egress) PolicyTypes(V1NetworkPolicySpec spec)
    {
        if (spec.PolicyTypes is not { Count: > 0 } types) return (true, spec.Egress is { Count: > 0 });
        bool ingress = false, egress = false;
        for (int i = 0; i < types.Count; i++)
        {
            switch (types[i])
            {
                case "Ingress": ingress = true; break;
                case "Egress": egress = true; break;
                default: throw new PolicyFieldException($"spec.policyTypes[{i}]", $"'{types[i]}' is not Ingress or Egress");
            }
        }
        return (ingress, egress);
    }

    private static PolicyRule Rule(IList<V1NetworkPolicyPeer>? peers, IList<V1NetworkPolicyPort>? ports, string path, string peerField) => new(
        (peers ?? []).Select((p, i) => Peer(p, $"{path}.{peerField}[{i}]")).ToList(),
        (ports ?? []).Select((p, i) => Port(p, $"{path}.ports[{i}]")).ToList());

    private static PolicyPeer Peer(V1NetworkPolicyPeer p, string path)
    {
        if (p.IpBlock is { } block)
        {
            if (p.PodSelector is not null || p.NamespaceSelector is not null)
                throw new PolicyFieldException($"{path}.ipBlock", "may not be combined with podSelector or namespaceSelector in one peer");
            return new PolicyPeer(null, null, Block(block, $"{path}.ipBlock"));
        }
        var pods = Selector(p.PodSelector, $"{path}.podSelector");
        var namespaces = Selector(p.NamespaceSelector, $"{path}.namespaceSelector");
        if (pods is null && namespaces is null) throw new PolicyFieldException(path, "needs podSelector, namespaceSelector or ipBlock");
        return new PolicyPeer(pods, namespaces, null);
    }

    private static IpBlock Block(V1IPBlock b, string path)
    {
        if (!Ipv4Prefix.TryParse(b.Cidr, out var cidr, out string error))
            throw new PolicyFieldException($"{path}.cidr", b.Cidr is null ? "is required" : $"'{b.Cidr}': {error} (IPv6 is not modelled)");
        var except = new List<Ipv4Prefix>();
        for (int i = 0; i < (b.Except?.Count ?? 0); i++)
        {
            string f = $"{path}.except[{i}]";
            if (!Ipv4Prefix.TryParse(b.Except![i], out var e, out string err)) throw new PolicyFieldException(f, $"'{b.Except[i]}': {err}");
            if (!cidr.Contains(e) || e.Length == cidr.Length) throw new PolicyFieldException(f, $"{e} is not strictly inside the cidr {cidr}");
            except.Add(e);
        }
        return new IpBlock(cidr, except);
    }

    private static PolicyPort Port(V1NetworkPolicyPort p, string path)
    {
        string protocol = p.Protocol ?? "TCP";
        if (protocol is not ("TCP" or "UDP" or "SCTP")) throw new PolicyFieldException($"{path}.protocol", $"'{protocol}' is not TCP, UDP or SCTP");
        string? value = p.Port?.Value;
        int endPort = p.EndPort ?? 0;
        if (value is null)
        {
            if (endPort != 0) throw new PolicyFieldException($"{path}.endPort", "needs a numeric port");
            return new PolicyPort(protocol, 0, null, 0);
        }
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number))
        {
            if (number is < 1 or > 65535) throw new PolicyFieldException($"{path}.port", $"{number} is not a port (1..65535)");
            if (endPort != 0 && (endPort < number || endPort > 65535))
                throw new PolicyFieldException($"{path}.endPort", $"{endPort} must be at least the port {number} and at most 65535");
            return new PolicyPort(protocol, number, null, endPort);
        }
        if (endPort != 0) throw new PolicyFieldException($"{path}.endPort", "may not be used with a named port");
        if (!IsPortName(value)) throw new PolicyFieldException($"{path}.port", $"'{value}' is neither a number nor a valid port name (IANA_SVC_NAME)");
        return new PolicyPort(protocol, 0, value, 0);
    }

    /// <summary>IANA_SVC_NAME: 1-15 lower-case letters, digits and '-', at least one letter, no leading, trailing or double '-'.</summary>
    private static bool IsPortName(string s) =>
        s.Length is >= 1 and <= 15 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && s.Any(char.IsAsciiLetter)
        && s[0] != '-' && s[^1] != '-' && !s.Contains("--", StringComparison.Ordinal);

    /// <summary>A selector, null when the field is absent (an empty one, {}, matches everything).</summary>
    public static LabelSelector? Selector(V1LabelSelector? s, string path)
    {
        if (s is null) return null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in s.MatchLabels ?? new Dictionary<string, string>()) labels[k] = v ?? "";
        var expressions = new List<LabelRequirement>();
        for (int i = 0; i < (s.MatchExpressions?.Count ?? 0); i++)
        {
            var e = s.MatchExpressions![i];
            string f = $"{path}.matchExpressions[{i}]";
            if (string.IsNullOrEmpty(e.Key)) throw new PolicyFieldException($"{f}.key", "is required");
            var op = e.OperatorProperty switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                "DoesNotExist" => SelectorOperator.DoesNotExist,
                var other => throw new PolicyFieldException($"{f}.operator", other is null ? "is required" : $"'{other}' is not In, NotIn, Exists or DoesNotExist"),
            };
            var values = e.Values?.ToList() ?? [];
            if (op is SelectorOperator.In or SelectorOperator.NotIn && values.Count == 0)
                throw new PolicyFieldException($"{f}.values", $"{op} needs at least one value");
            if (op is SelectorOperator.Exists or SelectorOperator.DoesNotExist && values.Count > 0)
                throw new PolicyFieldException($"{f}.values", $"{op} takes no values");
            expressions.Add(new LabelRequirement(e.Key, op, values));
        }
        return new LabelSelector(labels, expressions);
    }
}
