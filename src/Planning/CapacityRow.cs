namespace NetSim.Planning;

/// <summary>
/// One resource a plan sizes: what is needed now and after growth, what the plan provides, and how that capacity
/// is worked out. <see cref="Headroom"/> is the factor the current demand can grow by before it runs out.
/// </summary>
public sealed record CapacityRow(string Resource, long Now, long After, long Capacity, string How)
{
    public double Utilization => Capacity == 0 ? double.PositiveInfinity : (double)After / Capacity;
    public double Headroom => Now == 0 ? double.PositiveInfinity : (double)Capacity / Now;
}
