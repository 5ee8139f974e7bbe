namespace NetSim.Engine.Costs;

/// <summary>
/// How one class of CPU work spreads around its profile mean W: a charge is W × (floor + (1 − floor) × M), M a
/// log-normal multiplier of mean 1. The floor is the share of the work no charge goes below (the instructions run
/// with everything in cache); the rest varies (cache and TLB misses, allocation, branch mispredictions). The mean is
/// exactly W for any floor; <see cref="Cv"/> is the coefficient of variation of the whole charge.
/// </summary>
public sealed record WorkSpread(double Cv, double Floor = 0)
{
    /// <summary>No spread: every charge is its mean.</summary>
    public static WorkSpread None { get; } = new(0);

    public bool IsNone => Cv == 0;

    /// <summary>The coefficient of variation of the varying part, M: cv / (1 − floor).</summary>
    public double ExcessCv => Cv / (1 - Floor);
}
