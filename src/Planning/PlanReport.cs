using System.Text;

namespace NetSim.Planning;

/// <summary>The plan as markdown: the prefixes, the overlap checks, and per cluster every capacity row with its arithmetic.</summary>
public static class PlanReport
{
    public static string Markdown(AddressPlan plan, IReadOnlyList<string> scenarioFiles)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(scenarioFiles);
        var r = plan.Requirements;
        var md = new StringBuilder();
        Line(md, $"# Address plan: {r.Name}");
        Line(md);
        Line(md, $"From `{Path.GetFileName(r.File)}`: {r.ControlPlaneNodes} control-plane nodes, {r.Workers} workers, {PlanFormat.Count(r.Pods)} pods and " +
                 $"{PlanFormat.Count(r.Services)} Services per environment unless it says otherwise; growth ×{r.Growth}; max_pods {r.MaxPods}; " +
                 $"IPAM {r.Cni.Ipam}; planned in {string.Join(", ", r.Space)}" + (r.Avoid.Count > 0 ? $", clear of {string.Join(", ", r.Avoid)}." : "."));
        Line(md);
        Line(md, "| cluster | environments | block | node subnet | pod CIDR | Service CIDR | per node | runs out first |");
        Line(md, "|---|---|---|---|---|---|---|---|");
        foreach (var c in plan.Clusters)
            Line(md, $"| {c.Demand.Name} | {string.Join(", ", c.Demand.Environments)} | {c.Block} | {c.NodeSubnet} | {PlanFormat.Prefix(c.PodCidr)} | " +
                     $"{c.ServiceCidr} | {PlanFormat.PerNode(c)} | {c.RunsOutFirst.Resource} at {PlanFormat.Headroom(c.RunsOutFirst.Headroom)} |");
        if (plan.Management is { } m)
            Line(md, $"| management | all | {m} | {m} | | | | {PlanFormat.Count(plan.ManagementRow!.Capacity)} addresses for {PlanFormat.Count(plan.ManagementRow.After)} |");
        Line(md);
        var conflicts = plan.Conflicts();
        int prefixes = plan.Prefixes().Count();
        Line(md, conflicts.Count == 0
            ? $"Overlaps: none. Each of the {prefixes} prefixes was checked against the others, against every network to avoid and against the allowed space."
            : $"Overlaps found: {string.Join("; ", conflicts)}.");
        if (plan.AvoidedSpace() is { Count: > 0 } avoided)
        {
            Line(md);
            Line(md, $"Networks avoided: {string.Join("; ", avoided)}.");
        }
        foreach (var c in plan.Clusters)
        {
            Line(md);
            Line(md, $"## {c.Demand.Name}");
            Line(md);
            Line(md, "| resource | now | after growth | capacity | used after growth | runs out at | how |");
            Line(md, "|---|---:|---:|---:|---:|---:|---|");
            foreach (var row in c.Rows)
                Line(md, $"| {row.Resource} | {PlanFormat.Count(row.Now)} | {PlanFormat.Count(row.After)} | {PlanFormat.Count(row.Capacity)} | " +
                         $"{PlanFormat.Percent(row.Utilization)} | {PlanFormat.Headroom(row.Headroom)} | {row.How} |");
            Line(md);
            Line(md, $"Runs out first: **{c.RunsOutFirst.Resource}**, at {PlanFormat.Headroom(c.RunsOutFirst.Headroom)} today's demand.");
            Line(md);
            foreach (string note in c.Notes) Line(md, $"- {note}");
        }
        if (plan.ManagementRow is { } mr)
        {
            Line(md);
            Line(md, "## management");
            Line(md);
            Line(md, $"{PlanFormat.Count(mr.Now)} hosts now, {PlanFormat.Count(mr.After)} after growth, in {plan.Management} ({mr.How}): " +
                     $"{PlanFormat.Percent(mr.Utilization)} used after growth; one network for every environment.");
        }
        Line(md);
        Line(md, scenarioFiles.Count > 0
            ? $"Scenarios (today's nodes, pods and Services on the planned prefixes, datapath {r.Cni.Datapath}{(r.Cni.InstanceType.Length > 0 ? $" on {r.Cni.InstanceType}" : "")}): {string.Join(", ", scenarioFiles.Select(f => $"`{f}`"))}."
            : $"No scenarios: {PlanScenarios.Withheld(plan)}.");
        Line(md);
        Line(md, "The allocation rules and their sources: NetSim's docs/planning.md.");
        return md.ToString();
    }

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
