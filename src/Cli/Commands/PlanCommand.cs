using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Output;
using NetSim.Engine.Diagnostics;
using NetSim.Experiments;
using NetSim.Planning;
using NetSim.Planning.Requirements;
using NetSim.Topologies.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>netsim plan: an address plan from requirements, printed, and with --out a report and a scenario per cluster.</summary>
public sealed class PlanCommand : Command<PlanSettings>
{
    public const string ReportFile = "report.md";

    private readonly Invocation _invocation;

    public PlanCommand(Invocation invocation) => _invocation = invocation;

    public override int Execute(CommandContext context, PlanSettings a, CancellationToken cancellationToken)
    {
        var flags = a.Flags();
        if (a.Requirements is not null && flags.Any)
            throw CommandInputError.Of(PlanSettings.Name, "give a requirements file or the requirement flags, not both");
        if (a.Requirements is null && !flags.Any)
            throw CommandInputError.Of(PlanSettings.Name, "give a requirements file or the requirement flags (--nodes, --pods, --cni, ...); see 'netsim plan --help'");
        using var output = a.Requirements is null ? StagedDirectory.Open(a.Out, PlanSettings.Name) : StagedDirectory.Open(a.Out, PlanSettings.Name, a.Requirements);
        var plan = a.Requirements is null ? PlanFromFlags(flags) : AddressPlanner.Plan(RequirementsReader.Load(a.Requirements));
        var scenarios = PlanScenarios.Build(plan);
        Write(_invocation.Console, plan);
        if (output is null) return ExitCodes.Ok;
        foreach (var (file, scenario) in scenarios)
            File.WriteAllText(output.FilePath(file), PlanScenarios.Text(scenario));
        File.WriteAllText(output.FilePath(ReportFile), PlanReport.Markdown(plan, scenarios.Select(s => s.FileName).ToList()));
        output.Commit(_invocation.CommandLine);
        _invocation.Console.WriteLine($"wrote {Path.Combine(output.Target, ReportFile)}" +
            (scenarios.Count > 0 ? $" and {string.Join(", ", scenarios.Select(s => s.FileName))}" : $"; no scenarios: {PlanScenarios.Withheld(plan)}"));
        return ExitCodes.Ok;
    }

    /// <summary>An unmet requirement names the flag it came from.</summary>
    private static AddressPlan PlanFromFlags(RequirementFlags flags)
    {
        var requirements = flags.ToRequirements();
        try
        {
            return AddressPlanner.Plan(requirements);
        }
        catch (InputException e)
        {
            throw RequirementFlags.Named(e);
        }
    }

    private static void Write(IAnsiConsole console, AddressPlan plan)
    {
        var prefixes = new Table().Title($"address plan: {plan.Requirements.Name}")
            .AddColumn("cluster").AddColumn("node subnet").AddColumn("pod CIDR").AddColumn("Service CIDR").AddColumn("per node");
        foreach (var c in plan.Clusters)
            prefixes.AddRow(Markup.Escape(c.Demand.Name), c.NodeSubnet.ToString(), Markup.Escape(PlanFormat.Prefix(c.PodCidr)), c.ServiceCidr.ToString(), PlanFormat.PerNode(c));
        if (plan.Management is { } m) prefixes.AddRow("management", m.ToString(), "", "", "");
        console.Write(prefixes);
        foreach (var c in plan.Clusters)
        {
            var rows = new Table().Title($"{c.Demand.Name}: now → after growth ×{c.Demand.Growth}")
                .AddColumn("resource").AddColumn(new TableColumn("now").RightAligned()).AddColumn(new TableColumn("after").RightAligned())
                .AddColumn(new TableColumn("capacity").RightAligned()).AddColumn(new TableColumn("used").RightAligned())
                .AddColumn(new TableColumn("runs out").RightAligned());
            foreach (var r in c.Rows)
                rows.AddRow(Markup.Escape(r.Resource), PlanFormat.Count(r.Now), PlanFormat.Count(r.After), PlanFormat.Count(r.Capacity),
                    PlanFormat.Percent(r.Utilization), PlanFormat.Headroom(r.Headroom));
            console.Write(rows);
            console.WriteLine($"runs out first: {c.RunsOutFirst.Resource} at {PlanFormat.Headroom(c.RunsOutFirst.Headroom)} today's demand");
        }
        foreach (string avoided in plan.AvoidedSpace()) console.WriteLine($"avoided {avoided}");
        var conflicts = plan.Conflicts();
        console.WriteLine(conflicts.Count == 0
            ? $"overlaps: none among {plan.Prefixes().Count()} prefixes, {plan.Requirements.Avoid.Count} avoided networks and the allowed space"
            : $"overlaps: {string.Join("; ", conflicts)}");
    }
}
