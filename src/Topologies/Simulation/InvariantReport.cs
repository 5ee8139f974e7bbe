namespace NetSim.Topologies.Simulation;

/// <summary>One physical invariant a run broke: its name and what was seen.</summary>
public sealed record InvariantViolation(string Invariant, string Detail)
{
    public override string ToString() => $"{Invariant}: {Detail}";
}

/// <summary>
/// The physical invariants checked at the end of every run beside packet conservation: goodput within the wire,
/// no core busier than the time that passed, every queue bounded, no core booked far past the present.
/// </summary>
public sealed record InvariantReport(IReadOnlyList<string> Checked, IReadOnlyList<InvariantViolation> Violations)
{
    public static InvariantReport None { get; } = new([], []);

    public bool Holds => Violations.Count == 0;

    public override string ToString() =>
        Holds ? $"{Checked.Count} invariants hold ({string.Join(", ", Checked)})" : string.Join("; ", Violations);
}
