namespace NetSim.Experiments.Advice;

/// <summary>A requirement a datapath cannot meet, with the matrix cell that says so.</summary>
public sealed record ConstraintFailure(string Requirement, FeatureCell Cell, string Why)
{
    /// <summary>The requirement in a word or two, for table cells ("policy", "L2").</summary>
    public string Label => Requirement switch
    {
        "policy_required" => "policy",
        "encryption_required" => "encryption",
        "audit_logging" => "audit log",
        "a pod network" => "pod network",
        "fabric: routed" => "L2",
        "platform: cloud" => "cloud",
        "fabric: routed without BGP" => "BGP",
        _ => Requirement,
    };

    public override string ToString() => $"{Requirement}: {Why} ({Cell.Citation})";
}
