using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Experiments.Advice;

/// <summary>
/// Reads a requirements file (scenarios/exercises/*.yaml) strictly: every field known, every value in range, and an
/// error naming file, line and field otherwise. "--set PATH=VALUE" overrides apply first, as for scenarios.
/// </summary>
public static class RequirementsLoader
{
    public const int MaxNodes = 5000, MaxPods = 150_000;

    public static Requirements Load(string path, IEnumerable<string>? overrides = null) =>
        Parse(InputFile.ReadText(path, "requirements"), path, overrides);

    public static Requirements Parse(string yaml, string file, IEnumerable<string>? overrides = null)
    {
        var doc = YamlDoc.Parse(yaml, file);
        YamlOverrides.Apply(doc, overrides ?? []);
        var top = doc.Top;
        string name = top.Text("name", Path.GetFileNameWithoutExtension(file));
        if (name.Length is 0 or > 100) throw top.Error("name", $"needs 1 to 100 characters, not {name.Length}");
        if (!top.Has("nodes")) throw top.Error("nodes", "is required (how many nodes the cluster has)");
        if (!top.Has("pods")) throw top.Error("pods", "is required (how many pods the cluster runs)");
        int nodes = top.Count("nodes", 0, 2, MaxNodes);
        int pods = top.Count("pods", 0, 2, MaxPods);
        if (pods < nodes) throw top.Error("pods", $"{pods} pods on {nodes} nodes: advise needs at least one pod per node");
        var r = new Requirements(
            name,
            top.Text("description", ""),
            file,
            nodes,
            pods,
            top.Flag("policy_required", false),
            top.Flag("encryption_required", false),
            top.Flag("audit_logging", false),
            Priority(top.OneOf("priority", "latency", "throughput", "latency", "cpu")),
            top.OneOf("platform", "on-prem", "cloud", "on-prem") == "cloud" ? Platform.Cloud : Platform.OnPrem,
            top.OneOf("fabric", "l2", "l2", "routed") == "routed" ? Fabric.Routed : Fabric.L2,
            top.Flag("bgp_available", false),
            top.OneOf("ops_maturity", "intermediate", "novice", "intermediate", "expert") switch
            {
                "novice" => OpsMaturity.Novice,
                "expert" => OpsMaturity.Expert,
                _ => OpsMaturity.Intermediate,
            },
            top.OneOf("budget", "moderate", "minimal", "moderate", "generous") switch
            {
                "minimal" => Budget.Minimal,
                "generous" => Budget.Generous,
                _ => Budget.Moderate,
            },
            top.BitRate("nic_rate", 10_000_000_000, 100_000_000, 400_000_000_000),
            top.Count("mtu", 1500, 1280, 9216),
            (ulong)top.Whole("seed", 1, 0));
        top.RejectUnknown();
        return r;
    }

    private static PerformancePriority Priority(string value) => value switch
    {
        "throughput" => PerformancePriority.Throughput,
        "cpu" => PerformancePriority.Cpu,
        _ => PerformancePriority.Latency,
    };
}
