using System.Globalization;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// Where traffic starts or ends: "pod:NAME[/CONTAINER][@IFACE]", "workload:NAME", "node:NAME", "service:NAME[:PORT]",
/// "nodeport:SERVICE[@NODE]", "externalip:SERVICE[:PORT]", "lb:SERVICE[:PORT]" or "external[:NAME]". Pod names are "WORKLOAD-INDEX" (client-0) or the workload name
/// itself for its first pod.
/// </summary>
public sealed record EndpointRef(EndpointKind Kind, string Name, int Port, string? Container, string? Node)
{
    /// <summary>
    /// The pod interface traffic goes to or from ("pod:NAME@net1"): a secondary network Multus attached; null is eth0,
    /// the cluster network.
    /// </summary>
    public string? Interface { get; init; }

    public static bool TryParse(string text, out EndpointRef endpoint, out string error)
    {
        endpoint = new EndpointRef(EndpointKind.External, "", 0, null, null);
        error = "";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? text : text[..colon];
        string rest = colon < 0 ? "" : text[(colon + 1)..];
        switch (kind)
        {
            case "external":
                endpoint = new EndpointRef(EndpointKind.External, rest.Length == 0 ? "external" : rest, 0, null, null);
                return true;
            case "pod":
                string? container = null, iface = null;
                int atSign = rest.IndexOf('@', StringComparison.Ordinal);
                if (atSign >= 0) (rest, iface) = (rest[..atSign], rest[(atSign + 1)..]);
                int slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0) (rest, container) = (rest[..slash], rest[(slash + 1)..]);
                if (iface is { Length: 0 })
                {
                    error = $"'{text}' names no interface after '@' (pod:NAME@net1)";
                    return false;
                }
                if (!Named(EndpointKind.Pod, rest, 0, container, null, text, out endpoint, out error)) return false;
                endpoint = endpoint with { Interface = iface };
                return true;
            case "workload": return Named(EndpointKind.Workload, rest, 0, null, null, text, out endpoint, out error);
            case "node": return Named(EndpointKind.Node, rest, 0, null, null, text, out endpoint, out error);
            case "service":
            case "externalip":
            case "lb":
            {
                int port = 0;
                int c2 = rest.IndexOf(':', StringComparison.Ordinal);
                if (c2 >= 0)
                {
                    if (!int.TryParse(rest[(c2 + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                    {
                        error = $"'{text}': the port after the Service name must be 1..65535";
                        return false;
                    }
                    rest = rest[..c2];
                }
                return Named(kind switch { "service" => EndpointKind.Service, "lb" => EndpointKind.LoadBalancer, _ => EndpointKind.ExternalIp }, rest, port, null, null, text, out endpoint, out error);
            }
            case "dns":
            {
                int port = 0;
                int c2 = rest.LastIndexOf(':');
                if (c2 >= 0)
                {
                    if (!int.TryParse(rest[(c2 + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                    {
                        error = $"'{text}': the port after the name must be 1..65535";
                        return false;
                    }
                    rest = rest[..c2];
                }
                if (rest.Length > 0 && !IsHostName(rest))
                {
                    error = $"'{text}': '{rest}' is not a DNS name (labels of letters, digits and '-', dots between, at most 253 characters)";
                    return false;
                }
                return Named(EndpointKind.Dns, rest, port, null, null, text, out endpoint, out error);
            }
            case "nodeport":
            {
                string? node = null;
                int at = rest.IndexOf('@', StringComparison.Ordinal);
                if (at >= 0) (rest, node) = (rest[..at], rest[(at + 1)..]);
                return Named(EndpointKind.NodePort, rest, 0, null, node, text, out endpoint, out error);
            }
            default:
                error = $"'{text}' is not an endpoint; write pod:NAME, workload:NAME, node:NAME, service:NAME[:PORT], nodeport:SERVICE[@NODE], externalip:SERVICE[:PORT], lb:SERVICE[:PORT] or external";
                return false;
        }
    }

    /// <summary>A host name as a resolver accepts it (RFC 1123 labels), optionally fully qualified with a trailing dot.</summary>
    private static bool IsHostName(string name)
    {
        string n = name.EndsWith('.') ? name[..^1] : name;
        return n.Length is > 0 and <= 253 && n.Split('.').All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-'
            && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }

    private static bool Named(EndpointKind kind, string name, int port, string? container, string? node, string text,
        out EndpointRef endpoint, out string error)
    {
        endpoint = new EndpointRef(kind, name, port, container, node);
        error = name.Length == 0 ? $"'{text}' names no {kind.ToString().ToLowerInvariant()}" : "";
        return name.Length > 0;
    }

    public override string ToString() => Kind switch
    {
        EndpointKind.External => Name == "external" ? "external" : $"external:{Name}",
        EndpointKind.Pod => (Container is null ? $"pod:{Name}" : $"pod:{Name}/{Container}") + (Interface is null ? "" : $"@{Interface}"),
        EndpointKind.Service => Port == 0 ? $"service:{Name}" : $"service:{Name}:{Port}",
        EndpointKind.ExternalIp => Port == 0 ? $"externalip:{Name}" : $"externalip:{Name}:{Port}",
        EndpointKind.LoadBalancer => Port == 0 ? $"lb:{Name}" : $"lb:{Name}:{Port}",
        EndpointKind.Dns => Port == 0 ? $"dns:{Name}" : $"dns:{Name}:{Port}",
        EndpointKind.NodePort => Node is null ? $"nodeport:{Name}" : $"nodeport:{Name}@{Node}",
        _ => $"{Kind.ToString().ToLowerInvariant()}:{Name}",
    };
}
