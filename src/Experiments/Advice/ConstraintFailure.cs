namespace NetSim.Experiments.Advice;

/// <summary>A requirement a datapath cannot meet, with the matrix cell that says so.</summary>
public sealed record ConstraintFailure(string Requirement, FeatureCell Cell, string Why)
{
    public override string ToString() => $"{Requirement}: {Why} ({Cell.Citation})";
}
