using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;
using NetSim.Traffic.Applications;

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
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in items)
        {
            string kind = m.OneOf("kind", "bulk", TrafficSpec.Kinds);
            string name = m.Text("name", $"{kind}-{list.Count}");
            if (name.Length is 0 or > ScenarioLoader.MaxNameLength)
                throw m.Error("name", $"needs 1 to {ScenarioLoader.MaxNameLength} characters, not {name.Length}");
            if (!names.Add(name)) throw m.Error("name", $"traffic '{name}' is defined twice");
            var from = Endpoint(m, "from", required: kind != "replay");
            var to = Endpoint(m, "to", required: kind != "replay");
            SimTime start = m.Time("start", SimTime.Zero);
            if (start >= scenarioDuration) throw m.Error("start", $"{start} is not before the end of the run ({scenarioDuration})");
            SimTime? duration = m.Has("duration") ? m.PositiveTime("duration", SimTime.Zero) : null;
            var spec = new TrafficSpec(
                name, kind, from, to,
                m.OneOf("protocol", kind switch { "ping" => "icmp", "dns" => "udp", _ => "tcp" }, "tcp", "udp", "icmp"),
                start, duration,
                m.Count("streams", 1, 1, 1024),
                m.BitRate("rate", 0),
                m.Bytes("bytes", 0),
                m.SmallBytes("request_size", 1, 1, MaxMessageBytes),
                m.SmallBytes("response_size", 1, 1, MaxMessageBytes),
                m.Count("in_flight", 1, 1, 4096),
                m.OneOf("congestion", "cubic", "cubic", "newreno"),
                m.Has("mean_interarrival") ? m.PositiveTime("mean_interarrival", SimTime.Zero) : null,
                m.OptionalString("size_distribution"),
                m.OptionalString("trace"),
                m.Count("count", 0, 0, int.MaxValue))
            {
                Interval = m.PositiveTime("interval", SimTime.FromSeconds(1)),
                PayloadSize = m.SmallBytes("payload_size", 56, 1, MaxIcmpPayload),
                Timeout = m.PositiveTime("timeout", SimTime.FromSeconds(1)),
                NoDelay = m.Flag("nodelay", false),
            };
            Check(m, spec);
            if (kind == "replay") CheckTrace(m, spec);
            m.RejectUnknown();
            list.Add(spec);
        }
        return list;
    }

    /// <summary>One request or response: 1 GiB at most (a larger transfer is a bulk stream with "bytes").</summary>
    public const int MaxMessageBytes = 1 << 30;

    /// <summary>The largest IPv4 datagram (65,535 bytes) less the IP and ICMP headers.</summary>
    public const int MaxIcmpPayload = 65_507;

    /// <summary>
    /// The fields each kind of application uses (besides name, kind, from, to, protocol, start and duration); a field
    /// another kind uses is refused, never silently ignored.
    /// </summary>
    public static IReadOnlyList<string> FieldsOf(string kind, string protocol) => kind switch
    {
        "bulk" => protocol == "udp" ? ["streams", "bytes", "rate"] : ["streams", "bytes", "congestion", "nodelay"],
        "rr" => ["request_size", "response_size", "in_flight", "count", "congestion", "nodelay"],
        "crr" => ["request_size", "response_size", "count", "congestion", "nodelay"],
        "poisson" => ["mean_interarrival", "request_size", "response_size", "count", "congestion", "nodelay"],
        "ping" => ["interval", "payload_size", "timeout", "count"],
        "dns" => ["interval", "count"],
        _ => ["trace"],
    };

    private static readonly string[] KindFields =
        ["streams", "bytes", "rate", "congestion", "nodelay", "request_size", "response_size", "in_flight", "count", "mean_interarrival", "interval", "payload_size", "timeout", "trace"];

    private static void Check(YamlMap m, TrafficSpec t)
    {
        // size_distribution was documented but never wired to an application: refused rather than silently ignored.
        if (t.SizeDistribution is not null)
            throw m.Error("size_distribution", "is not modelled yet: request and response sizes are fixed (request_size, response_size); remove it");
        if (t.Kind == "poisson" && t.Protocol != "tcp") throw m.Error("protocol", "poisson arrivals open TCP connections");
        var used = FieldsOf(t.Kind, t.Protocol);
        foreach (string field in KindFields)
            if (!used.Contains(field) && m.Find(field) is not null)
                throw m.Error(field, $"is not used by {t.Kind}{(t.Kind == "bulk" ? $" over {t.Protocol.ToUpperInvariant()}" : "")} traffic (it uses {string.Join(", ", used)}); remove it");
        if (t.Protocol == "udp" && t.Kind == "bulk" && t.RateBps == 0) throw m.Error("rate", "a UDP stream needs a target rate, e.g. rate: 1Gbps");
        if (t.Kind == "poisson" && t.MeanInterarrival is null) throw m.Error("mean_interarrival", "open-loop arrivals need a mean inter-arrival time");
        if (t.Kind == "replay" && t.TraceFile is null) throw m.Error("trace", "a replay needs a trace CSV file");
        if (t.Kind is "rr" or "crr" && t.Protocol != "tcp") throw m.Error("protocol", $"{t.Kind} runs over TCP");
        if (t.Kind == "ping" && t.Protocol != "icmp") throw m.Error("protocol", "ping sends ICMP echo");
        if (t.Kind != "ping" && t.Protocol == "icmp") throw m.Error("protocol", $"{t.Kind} runs over TCP or UDP; only ping sends ICMP");
        if (t.Kind == "dns" && t.To.Kind != EndpointKind.Dns) throw m.Error("to", "a dns lookup names what it resolves: dns:NAME");
        if (t.Kind == "dns" && t.Protocol != "udp") throw m.Error("protocol", "a lookup goes as the resolver's options say: UDP, then TCP on a truncated answer; dns.use_vc: true sends every lookup over TCP");
        if (t.To.Kind == EndpointKind.Dns && t.Kind is not ("dns" or "rr" or "crr"))
            throw m.Error("to", $"{t.Kind} traffic cannot resolve a name yet: dns:NAME works for kinds dns, rr and crr");
        if (t.From.Kind == EndpointKind.Dns) throw m.Error("from", "traffic starts at a pod, node or external client, not at a name");
        if (t.Kind == "ping" && t.To.Kind == EndpointKind.NodePort) throw m.Error("to", "ping has no port: ping the node (node:NAME) instead of a NodePort");
    }

    /// <summary>
    /// A replay's trace is read and checked here (errors name its line and column), so validate refuses what run
    /// would refuse; a relative path is relative to the scenario file.
    /// </summary>
    private static void CheckTrace(YamlMap m, TrafficSpec t)
    {
        string path = TracePath(m.Doc.File, t.TraceFile!);
        if (!File.Exists(path)) throw m.Error("trace", $"{t.TraceFile}: file not found (looked in {Path.GetDirectoryName(path)})");
        TraceReader.ReadFile(path);
    }

    /// <summary>Where a replay's trace file is: a relative path is relative to the scenario file.</summary>
    public static string TracePath(string scenarioFile, string trace)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(scenarioFile)) ?? ".";
        return Path.IsPathRooted(trace) ? trace : Path.Combine(dir, trace);
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
