using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads "traffic": each item an application between two endpoints. Defaults follow the tools they imitate:
/// iperf3 (one TCP stream for the whole run), netperf TCP_RR/TCP_CRR (1-byte request and response, one
/// transaction in flight), and Linux's default congestion control, CUBIC.
/// </summary>
internal static class TrafficReader
{
    public static IReadOnlyList<TrafficSpec> Read(IReadOnlyList<YamlMap> items, SimTime scenarioDuration)
    {
        var list = new List<TrafficSpec>();
        foreach (var m in items)
        {
            string kind = m.OneOf("kind", "bulk", TrafficSpec.Kinds);
            string name = m.Text("name", $"{kind}-{list.Count}");
            if (list.Any(t => t.Name == name)) throw m.Error("name", $"traffic '{name}' is defined twice");
            var from = Endpoint(m, "from", required: kind != "replay");
            var to = Endpoint(m, "to", required: kind != "replay");
            SimTime start = m.Time("start", SimTime.Zero);
            if (start >= scenarioDuration) throw m.Error("start", $"{start} is not before the end of the run ({scenarioDuration})");
            SimTime? duration = m.Has("duration") ? m.Time("duration", SimTime.Zero) : null;
            var spec = new TrafficSpec(
                name, kind, from, to,
                m.OneOf("protocol", kind == "ping" ? "icmp" : "tcp", "tcp", "udp", "icmp"),
                start, duration,
                m.Count("streams", 1, 1, 1024),
                m.BitRate("rate", 0),
                m.Bytes("bytes", 0),
                (int)m.Bytes("request_size", 1),
                (int)m.Bytes("response_size", 1),
                m.Count("in_flight", 1, 1, 4096),
                m.OneOf("congestion", "cubic", "cubic", "newreno"),
                m.Has("mean_interarrival") ? m.Time("mean_interarrival", SimTime.Zero) : null,
                m.OptionalString("size_distribution"),
                m.OptionalString("trace"),
                m.Count("count", 0, 0, int.MaxValue))
            {
                Interval = m.Time("interval", SimTime.FromSeconds(1)),
                PayloadSize = (int)m.Bytes("payload_size", 56),
                Timeout = m.Time("timeout", SimTime.FromSeconds(1)),
            };
            Check(m, spec);
            m.RejectUnknown();
            list.Add(spec);
        }
        return list;
    }

    private static void Check(YamlMap m, TrafficSpec t)
    {
        if (t.Protocol == "udp" && t.Kind == "bulk" && t.RateBps == 0) throw m.Error("rate", "a UDP stream needs a target rate, e.g. rate: 1Gbps");
        if (t.Kind == "poisson" && t.MeanInterarrival is null) throw m.Error("mean_interarrival", "open-loop arrivals need a mean inter-arrival time");
        if (t.Kind == "replay" && t.TraceFile is null) throw m.Error("trace", "a replay needs a trace CSV file");
        if (t.Kind is "rr" or "crr" && t.Protocol != "tcp") throw m.Error("protocol", $"{t.Kind} runs over TCP");
        if (t.Kind == "ping" && t.Protocol != "icmp") throw m.Error("protocol", "ping sends ICMP echo");
        if (t.Kind != "ping" && t.Protocol == "icmp") throw m.Error("protocol", $"{t.Kind} runs over TCP or UDP; only ping sends ICMP");
        if (t.Interval <= SimTime.Zero) throw m.Error("interval", "must be positive");
        if (t.Timeout <= SimTime.Zero) throw m.Error("timeout", "must be positive");
        // The largest IPv4 datagram (65,535 bytes) less the IP and ICMP headers.
        if (t.PayloadSize > 65_507) throw m.Error("payload_size", $"{t.PayloadSize} bytes does not fit an IPv4 datagram (at most 65507)");
        if (t.Kind == "ping" && t.To.Kind == EndpointKind.NodePort) throw m.Error("to", "ping has no port: ping the node (node:NAME) instead of a NodePort");
    }

    private static EndpointRef Endpoint(YamlMap m, string key, bool required)
    {
        string? text = m.OptionalString(key);
        if (text is null)
        {
            if (required) throw m.Error(key, "is required (pod:NAME, workload:NAME, node:NAME, service:NAME, nodeport:SERVICE, external)");
            return new EndpointRef(EndpointKind.External, "trace", 0, null, null);
        }
        return EndpointRef.TryParse(text, out var e, out string error) ? e : throw m.Error(key, error);
    }
}
