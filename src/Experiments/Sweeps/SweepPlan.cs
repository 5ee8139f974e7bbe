using NetSim.Engine.Randomness;
using NetSim.Reporting.Records;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// The runs of a sweep (manifest.csv), or of one shard of it. Runs are numbered point by point (run = point ×
/// replications + replication) whatever the shard, so a shard's run files are the whole sweep's, and replication r
/// of every point gets seed SeedFor(base, "replication/r") (common random numbers across points).
/// </summary>
public static class SweepPlan
{
    /// <summary>A point as the plan names it: its index, its parameters ("a=1; b=x") and its resolved scenario's SHA-256.</summary>
    public readonly record struct PlannedPoint(int Index, string Parameters, string ScenarioSha256);

    public static List<SweepPlanRow> Build(IEnumerable<PlannedPoint> points, int replications, ulong baseSeed, string costs)
    {
        var plan = new List<SweepPlanRow>();
        foreach (var p in points)
            for (int r = 0; r < replications; r++)
            {
                int run = (p.Index * replications) + r;
                plan.Add(new SweepPlanRow(run, p.Index, r, RandomStreams.SeedFor(baseSeed, $"replication/{r}"), p.Parameters, p.ScenarioSha256, SweepStore.RunFile(run), costs));
            }
        return plan;
    }
}
