using NetSim.Engine.Addressing;
using NetSim.Planning.Requirements;

namespace NetSim.Planning;

/// <summary>A whole plan: one <see cref="ClusterPlan"/> per cluster and the management network shared by all.</summary>
public sealed record AddressPlan(PlanRequirements Requirements, IReadOnlyList<ClusterPlan> Clusters, Ipv4Prefix? Management, CapacityRow? ManagementRow)
{
    /// <summary>Every allocated prefix: owner (a cluster or "management"), role and prefix.</summary>
    public IEnumerable<(string Owner, string Role, Ipv4Prefix Prefix)> Prefixes()
    {
        foreach (var c in Clusters)
            foreach (var (role, prefix) in c.Prefixes())
                yield return (c.Demand.Name, role, prefix);
        if (Management is { } m) yield return ("management", "management network", m);
    }

    /// <summary>
    /// What each network to avoid takes out of the allowed space ("192.168.0.0/16: all of 192.168.0.0/16"), and
    /// networks to avoid that overlap each other: the conflicts the requirements bring, which the plan steers around.
    /// </summary>
    public IReadOnlyList<string> AvoidedSpace()
    {
        var lines = new List<string>();
        for (int i = 0; i < Requirements.Avoid.Count; i++)
        {
            var avoid = Requirements.Avoid[i];
            var hits = Requirements.Space.Where(s => s.Overlaps(avoid))
                .Select(s => avoid.Contains(s) ? $"all of {s}" : $"{PlanFormat.Count((long)avoid.Size)} addresses of {s}").ToList();
            lines.Add($"{avoid}: {(hits.Count == 0 ? "outside the allowed space" : string.Join(", ", hits))}");
            for (int j = i + 1; j < Requirements.Avoid.Count; j++)
                if (avoid.Overlaps(Requirements.Avoid[j])) lines.Add($"{avoid} overlaps {Requirements.Avoid[j]} (both avoided)");
        }
        return lines;
    }

    /// <summary>
    /// Every overlap the plan has: between any two of its prefixes, with a network to avoid, or outside the
    /// allowed space. Empty for a good plan; computed from the prefixes, not assumed from how they were chosen.
    /// </summary>
    public IReadOnlyList<string> Conflicts()
    {
        var all = Prefixes().ToList();
        var found = new List<string>();
        for (int i = 0; i < all.Count; i++)
        {
            for (int j = i + 1; j < all.Count; j++)
                if (all[i].Prefix.Overlaps(all[j].Prefix))
                    found.Add($"{all[i].Owner} {all[i].Role} {all[i].Prefix} overlaps {all[j].Owner} {all[j].Role} {all[j].Prefix}");
            foreach (var avoid in Requirements.Avoid)
                if (all[i].Prefix.Overlaps(avoid))
                    found.Add($"{all[i].Owner} {all[i].Role} {all[i].Prefix} overlaps the avoided {avoid}");
            if (!Requirements.Space.Any(s => s.Contains(all[i].Prefix)))
                found.Add($"{all[i].Owner} {all[i].Role} {all[i].Prefix} is outside the allowed space");
        }
        return found;
    }
}
