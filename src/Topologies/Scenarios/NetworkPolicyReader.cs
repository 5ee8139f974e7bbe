using k8s;
using k8s.Models;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads "network_policies": each item a Kubernetes NetworkPolicy written exactly as for kubectl (apiVersion
/// networking.k8s.io/v1, kind, metadata, spec). Every field is checked against the networking/v1 shape first (an
/// unknown or unmodelled one is an error at its line), then the item is parsed with KubernetesClient's own model
/// (k8s.Models.V1NetworkPolicy) and converted by <see cref="NetworkPolicyConverter"/>, whose errors are located back
/// at their line. Calico's and Cilium's policy kinds are recognised and rejected: not modelled yet. A scenario's item
/// may carry NetSim's own "count: N" beside apiVersion (scale studies): N copies named NAME-0..NAME-(N-1), in order.
/// </summary>
public static class NetworkPolicyReader
{
    public static IReadOnlyList<PolicySpec> Read(IReadOnlyList<YamlMap> items, IReadOnlyList<NamespaceSpec> namespaces)
    {
        var list = new List<PolicySpec>();
        var seen = new HashSet<(string, string, string)>();
        foreach (var m in items)
        {
            int? count = m.Has("count") ? m.Count("count", 1, 0, MaxCount) : null;
            var policy = ReadOne(m);
            if (policy.Namespace.Length > 0 && !namespaces.Any(n => n.Name == policy.Namespace))
                throw m.Error("metadata", $"namespace '{policy.Namespace}' does not exist; add it under namespaces: (or to a workload)");
            for (int i = 0; i < (count ?? 1); i++)
            {
                var copy = count is null ? policy : policy.Renamed($"{policy.Name}-{i}");
                if (!seen.Add((copy.Kind, copy.Namespace, copy.Name))) throw m.Error("metadata", $"{copy.Kind} {copy.Namespace}/{copy.Name} is defined twice");
                list.Add(new PolicySpec(copy, m.Node) { Expanded = i > 0 });
            }
        }
        return list;
    }

    /// <summary>One policy object (a scenario's item or a manifest's document) checked, parsed and converted: a networking/v1
    /// NetworkPolicy, a Calico NetworkPolicy / GlobalNetworkPolicy, or a CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy.</summary>
    public static IPolicyObject ReadOne(YamlMap m)
    {
        string api = m.Text("apiVersion");
        string kind = m.Text("kind");
        if (api == CalicoPolicyReader.ApiVersion && kind is "NetworkPolicy" or "GlobalNetworkPolicy") return CalicoPolicyReader.Read(m, kind);
        if (api == CiliumPolicyReader.ApiVersion && kind is "CiliumNetworkPolicy" or "CiliumClusterwideNetworkPolicy") return CiliumPolicyReader.Read(m, kind);
        if (api.StartsWith("projectcalico.org/", StringComparison.Ordinal) || api.StartsWith("cilium.io/", StringComparison.Ordinal) || ForeignKinds.Contains(kind))
            throw m.Error("kind", $"{api} {kind} is not modelled (NetSim reads networking.k8s.io/v1 NetworkPolicy, {CalicoPolicyReader.ApiVersion} NetworkPolicy and GlobalNetworkPolicy, {CiliumPolicyReader.ApiVersion} CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy; see scenarios/README.md)");
        return ReadKubernetes(m, api, kind);
    }

    private static NetworkPolicy ReadKubernetes(YamlMap m, string api, string kind)
    {
        if (api != "networking.k8s.io/v1") throw m.Error("apiVersion", $"'{api}' is not networking.k8s.io/v1");
        if (kind != "NetworkPolicy") throw m.Error("kind", $"'{kind}' is not NetworkPolicy");
        CheckShape(m);
        V1NetworkPolicy parsed;
        try
        {
            parsed = KubernetesYaml.Deserialize<V1NetworkPolicy>(Text(WithoutCount(m.Node)));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw m.Error("spec", $"not a NetworkPolicy: {e.InnerException?.Message ?? e.Message}");
        }
        try
        {
            return NetworkPolicyConverter.Convert(parsed, "default");
        }
        catch (PolicyFieldException e)
        {
            throw m.Doc.Error(Locate(m.Node, e.Field), m.FieldPath(e.Field), e.Problem);
        }
    }

    /// <summary>The most copies one item may generate (the policy-scale sweep goes to 10,000).</summary>
    public const int MaxCount = 100_000;

    private static readonly string[] ForeignKinds = ["GlobalNetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "NetworkSet", "GlobalNetworkSet", "Tier", "StagedNetworkPolicy", "CiliumCIDRGroup"];

    /// <summary>The object without NetSim's "count" (KubernetesClient's model has no such field).</summary>
    private static YamlMappingNode WithoutCount(YamlMappingNode node)
    {
        var key = new YamlScalarNode("count");
        if (!node.Children.ContainsKey(key)) return node;
        var copy = new YamlMappingNode();
        foreach (var (k, v) in node.Children) if (!k.Equals(key)) copy.Add(k, v);
        return copy;
    }

    private static string Text(YamlNode node)
    {
        var w = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(node)).Save(w, assignAnchors: false);
        return w.ToString();
    }

    /// <summary>Every field of the object must be one of networking/v1's; the ones NetSim does not model are named as such.</summary>
    private static void CheckShape(YamlMap m)
    {
        var meta = m.Map("metadata");
        meta.Text("name");
        meta.OptionalString("namespace");
        meta.StringMap("labels");
        meta.StringMap("annotations");
        meta.RejectUnknown();
        var spec = m.Map("spec");
        CheckSelector(spec.OptionalMap("podSelector"));
        spec.Strings("policyTypes");
        foreach (var r in spec.Maps("ingress")) CheckRule(r, "from");
        foreach (var r in spec.Maps("egress")) CheckRule(r, "to");
        spec.RejectUnknown();
        m.RejectUnknown();
    }

    private static void CheckRule(YamlMap r, string peers)
    {
        foreach (var p in r.Maps(peers))
        {
            CheckSelector(p.OptionalMap("podSelector"));
            CheckSelector(p.OptionalMap("namespaceSelector"));
            if (p.OptionalMap("ipBlock") is { } b)
            {
                b.OptionalString("cidr");
                b.Strings("except");
                b.RejectUnknown();
            }
            p.RejectUnknown();
        }
        foreach (var port in r.Maps("ports"))
        {
            port.OptionalString("protocol");
            port.OptionalString("port");
            if (port.OptionalString("endPort") is not null) port.Count("endPort", 0, 1, 65535);
            port.RejectUnknown();
        }
        r.RejectUnknown();
    }

    private static void CheckSelector(YamlMap? s)
    {
        if (s is null) return;
        s.StringMap("matchLabels");
        foreach (var e in s.Maps("matchExpressions"))
        {
            e.OptionalString("key");
            e.OptionalString("operator");
            e.Strings("values");
            e.RejectUnknown();
        }
        s.RejectUnknown();
    }

    /// <summary>The node at a field path such as "spec.ingress[0].from[1].ipBlock.cidr" (the deepest one that exists).</summary>
    private static YamlNode Locate(YamlNode root, string path)
    {
        YamlNode node = root;
        foreach (string part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            int bracket = part.IndexOf('[', StringComparison.Ordinal);
            string key = bracket < 0 ? part : part[..bracket];
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child)) return node;
            node = child;
            if (bracket < 0) continue;
            int index = int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (node is not YamlSequenceNode seq || index >= seq.Children.Count) return node;
            node = seq.Children[index];
        }
        return node;
    }
}
