namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// One network a pod asks for in its k8s.v1.cni.cncf.io/networks annotation (Network Plumbing WG spec, "Network
/// Attachment Selection Annotation"): the NetworkAttachmentDefinition's namespace and name and the interface it becomes
/// in the pod (net1, net2 ... in order unless named).
/// </summary>
public sealed record NetworkSelection(string Namespace, string Name, string Interface)
{
    /// <summary>The annotation's value: "NAME", "NAMESPACE/NAME", "NAME@IFACE" comma-separated, or the JSON list form.</summary>
    public static bool TryParse(string annotation, string podNamespace, out List<NetworkSelection> list, out string error)
    {
        list = new List<NetworkSelection>();
        error = "";
        var items = new List<(string? Ns, string Name, string? If)>();
        string text = annotation.Trim();
        if (text.StartsWith('['))
        {
            System.Text.Json.Nodes.JsonNode? root;
            try
            {
                root = System.Text.Json.Nodes.JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException e)
            {
                error = $"failed to parse pod Network Attachment Selection Annotation JSON format: {e.Message}";
                return false;
            }
            foreach (var item in root!.AsArray())
            {
                if (item is not System.Text.Json.Nodes.JsonObject o || Str(o, "name") is not { Length: > 0 } name)
                {
                    error = "each element of the JSON list needs a \"name\"";
                    return false;
                }
                if (o.Select(kv => kv.Key).FirstOrDefault(k => k is not ("name" or "namespace" or "interface")) is { } other)
                {
                    // ips, mac, default-route, portMappings, bandwidth, cni-args ... change what the delegate plugin
                    // does; NetSim does not pass them on, so it refuses them rather than ignore them.
                    error = $"network {name}: \"{other}\" is not modelled (NetSim reads \"name\", \"namespace\" and \"interface\" of the JSON form)";
                    return false;
                }
                items.Add((Str(o, "namespace"), name, Str(o, "interface")));
            }
        }
        else
        {
            foreach (string raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string rest = raw;
                string? ns = null, iface = null;
                int at = rest.IndexOf('@', StringComparison.Ordinal);
                if (at >= 0) (rest, iface) = (rest[..at], rest[(at + 1)..]);
                int slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0) (ns, rest) = (rest[..slash], rest[(slash + 1)..]);
                items.Add((ns, rest, iface));
            }
        }
        for (int i = 0; i < items.Count; i++)
        {
            var (ns, name, iface) = items[i];
            ns ??= podNamespace;
            iface ??= $"net{i + 1}";
            if (!Dns1123.IsSubdomain(name) || !Dns1123.IsLabel(ns))
            {
                error = $"'{(ns.Length > 0 ? ns + "/" : "")}{name}' is not a NetworkAttachmentDefinition name (a DNS-1123 name, optionally NAMESPACE/ first)";
                return false;
            }
            if (iface.Length is 0 or > 15 || iface == "eth0" || !iface.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                error = $"'{iface}' is not an interface name a pod can take for {name} (1-15 letters, digits, '-', '_', '.'; eth0 is the cluster network's)";
                return false;
            }
            if (list.Any(s => s.Interface == iface))
            {
                error = $"interface {iface} is asked for twice";
                return false;
            }
            list.Add(new NetworkSelection(ns, name, iface));
        }
        return true;
    }

    private static string? Str(System.Text.Json.Nodes.JsonObject o, string key) =>
        o[key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>The annotation form of a list (comma-separated NAMESPACE/NAME@IFACE), as ScenarioWriter writes it back.</summary>
    public static string Format(IEnumerable<NetworkSelection> list) => string.Join(", ", list.Select(s => $"{s.Namespace}/{s.Name}@{s.Interface}"));
}
