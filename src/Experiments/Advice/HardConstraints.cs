namespace NetSim.Experiments.Advice;

/// <summary>
/// The requirements no measurement can make up for: a pod network, NetworkPolicy, encryption, audit logging, and
/// what the network between the nodes offers (L2 adjacency, BGP, a cloud VPC). Each failure cites its matrix cell.
/// </summary>
public static class HardConstraints
{
    public static IReadOnlyList<ConstraintFailure> Check(Requirements r, FeatureMatrix m, string datapath)
    {
        var failures = new List<ConstraintFailure>();
        void Fail(string requirement, string feature, string why) => failures.Add(new(requirement, m[datapath, feature], why));

        if (m[datapath, Features.PodNetwork].Value == "no")
            Fail("a pod network", Features.PodNetwork, "it does not give pods the Kubernetes network model (every pod reachable from its node and through Services)");
        if (r.PolicyRequired && m[datapath, Features.Policy].Value == "none")
            Fail("policy_required", Features.Policy, "no NetworkPolicy enforcement");
        if (r.EncryptionRequired && m[datapath, Features.Encryption].Value == "none")
            Fail("encryption_required", Features.Encryption, "no encryption between nodes");
        if (r.AuditLogging && m[datapath, Features.AuditLogging].Value == "no")
            Fail("audit_logging", Features.AuditLogging, "no log of policy verdicts or flows");
        string underlay = m[datapath, Features.Underlay].Value;
        if (underlay == "l2" && r.Fabric == Fabric.Routed)
            Fail("fabric: routed", Features.Underlay, "needs every node on one L2 segment");
        else if (underlay == "l2" && r.Platform == Platform.Cloud)
            Fail("platform: cloud", Features.Cloud, "routes via peer nodes on a shared L2, which cloud networks do not give");
        if (underlay == "aws-vpc" && r.Platform != Platform.Cloud)
            Fail("platform: on-prem", Features.Underlay, "pods take secondary IPs of the node's ENIs, which only an AWS VPC routes");
        if (underlay == "l2-or-bgp" && r.Fabric == Fabric.Routed && !r.BgpAvailable)
            Fail("fabric: routed without BGP", Features.Underlay, "the fabric must route pod addresses (BGP peering), which it cannot");
        return failures;
    }

    /// <summary>"a novice team", "an intermediate team", "an expert team".</summary>
    public static string Team(Requirements r) => r.OpsMaturity switch
    {
        OpsMaturity.Novice => "a novice team",
        OpsMaturity.Expert => "an expert team",
        _ => "an intermediate team",
    };

    /// <summary>The complexity a team of this maturity runs comfortably (low, medium, high).</summary>
    public static int ComplexityLevel(string complexity) => complexity switch { "low" => 0, "medium" => 1, _ => 2 };

    /// <summary>
    /// Soft mismatches: how far the datapath's complexity exceeds what the team runs comfortably (novice: low,
    /// intermediate: medium, expert: high), plus one when the budget is minimal and the datapath is not low-complexity.
    /// </summary>
    public static int SoftScore(Requirements r, FeatureMatrix m, string datapath)
    {
        string complexity = m[datapath, Features.Complexity].Value;
        return Math.Max(0, ComplexityLevel(complexity) - (int)r.OpsMaturity) + (r.Budget == Budget.Minimal && complexity != "low" ? 1 : 0);
    }

    /// <summary>The soft mismatches in words (their weight is <see cref="SoftScore"/>).</summary>
    public static IReadOnlyList<string> SoftMismatches(Requirements r, FeatureMatrix m, string datapath)
    {
        var cell = m[datapath, Features.Complexity];
        int over = ComplexityLevel(cell.Value) - (int)r.OpsMaturity;
        var soft = new List<string>();
        if (over > 0) soft.Add($"complexity {cell.Value}, {(over == 1 ? "a level" : $"{over} levels")} above what {Team(r)} runs comfortably ({cell.Citation})");
        if (r.Budget == Budget.Minimal && cell.Value != "low") soft.Add($"a minimal budget pays for complexity {cell.Value} in people's time");
        return soft;
    }
}
