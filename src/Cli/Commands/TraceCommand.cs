using Spectre.Console;
using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Cli.Output;
using NetSim.Cli.Reports;
using NetSim.Experiments;
using NetSim.Experiments.Resources;
using NetSim.Experiments.Running;
using NetSim.Reporting.Csv;
using NetSim.Topologies.Simulation;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>netsim trace: one exchange between two endpoints, hop by hop, with where the microseconds go.</summary>
public sealed class TraceCommand : Command<TraceSettings>
{
    private const string Name = TraceSettings.Name;
    private readonly IScenarioRunner _runner;
    private readonly Invocation _invocation;

    public TraceCommand(IScenarioRunner runner, Invocation invocation)
    {
        _runner = runner;
        _invocation = invocation;
    }

    public override int Execute(CommandContext context, TraceSettings a, CancellationToken cancellationToken)
    {
        ulong? seed = a.SeedValue;
        int? port = a.PortValue;
        string? protocol = a.Protocol;
        if (protocol is not (null or "tcp" or "udp" or "icmp")) throw CommandInputError.Of(Name, $"--protocol must be tcp or icmp, not '{protocol}'");
        var memory = MemoryLimit.Parse(Name, a.MaxMemory);
        using var output = StagedDirectory.Open(a.Out, Name, a.Scenario);
        var scenario = ScenarioInput.Load(Name, a.ScenarioFile, a.Set, seed, a.Datapath, a.Manifests);
        var from = TraceEndpoints.Parse(Name, "--from", a.From, scenario);
        var to = TraceEndpoints.Parse(Name, "--to", a.To, scenario);
        int p = port ?? TraceEndpoints.DefaultPort(scenario, to);
        protocol ??= TraceEndpoints.DefaultProtocol(scenario, to, p);
        if (protocol == "udp") throw CommandInputError.Of(Name, $"--protocol udp (or a UDP port of {to}): NetSim has no UDP request/response application to trace (UDP runs as bulk streams); trace tcp or icmp");
        if (p == 0 && protocol != "icmp" && to.Kind != NetSim.Topologies.Scenarios.Model.EndpointKind.Dns) throw CommandInputError.Of(Name, $"--to {to} has no port to default to; pass --port");
        if (protocol == "icmp") p = 0;
        var profiles = new ProfileCache();
        profiles.For(scenario);
        memory.Check(scenario);

        var request = new TraceRequest(from, to, (ushort)p, protocol) { SteadyState = !a.First, ExactCosts = a.ExactCosts };
        var trace = Runs.Trace(_runner, profiles, scenario, scenario.Cni.Datapath, request);
        var console = _invocation.Console;
        TraceView.Write(console, trace, protocol, (ushort)p);

        if (output is not null)
        {
            File.WriteAllText(output.FilePath("scenario.yaml"), ScenarioInput.Resolve(scenario).Yaml);
            ScenarioInput.WriteCompanions(scenario, output.Path);
            CsvTable.Write(output.FilePath("trace.csv"), TraceView.Rows(trace));
            output.Commit(_invocation.CommandLine);
            console.WriteLine($"results: {output.Target}");
        }
        return ExitCodes.Ok;
    }
}
