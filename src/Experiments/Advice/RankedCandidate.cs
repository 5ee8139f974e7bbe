namespace NetSim.Experiments.Advice;

/// <summary>
/// One datapath's place in the answer: its rank (1 = recommended), the hard constraints it fails, the soft
/// mismatches, what was measured (null when it was not run, with why), and the reason for its place in words.
/// </summary>
public sealed record RankedCandidate(
    int Rank,
    string Datapath,
    IReadOnlyList<ConstraintFailure> Failures,
    IReadOnlyList<string> Soft,
    CandidateMeasurement? Measured,
    string? NotMeasured,
    string Reason)
{
    public bool Eligible => Failures.Count == 0;
}
