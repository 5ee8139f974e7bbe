using NetSim.Cli.CommandLine;
using NetSim.Cli.Output;
using NetSim.Cli.Reports;
using NetSim.Experiments.Running;
using NetSim.Reporting.Csv;
using NetSim.Topologies.Simulation;
using Spectre.Console;

namespace NetSim.Cli.Commands;

/// <summary>netsim trace: one exchange between two endpoints, hop by hop, with where the microseconds go.</summary>
public sealed class TraceCommand : ICommand
{
    private readonly IScenarioRunner _runner;

    public TraceCommand(IScenarioRunner runner) => _runner = runner;

    public string Name => "trace";
    public string Summary => "follow one packet exchange hop by hop: what each element did and the time it took";
    public string Help => """
        usage: netsim trace SCENARIO --from A --to B [--port P] [--protocol tcp|icmp] [--datapath NAME] [--seed N] [--set PATH=VALUE ...] [--out DIR] [--exact-costs]

        Builds the scenario's cluster, sends one exchange from A to B (a TCP handshake, a netperf TCP_RR
        request/response and the close, or an ICMP echo) and prints each packet's walk: node, element, what it did (e.g.
        "DNAT 10.96.0.10→10.244.2.5", "VXLAN encap VNI 1", "route lookup via 10.0.0.3"), the CPU, queueing and
        wire time of the hop, the time since the previous hop and the latency so far; then each packet's one-way
        latency split into CPU, queueing and wire, and the round trip.

        A and B are endpoints as in a scenario's traffic: pod:NAME[/CONTAINER], workload:NAME, node:NAME,
        service:NAME[:PORT], nodeport:SERVICE[@NODE], external[:NAME].
        The port defaults to the Service's (or node) port, else the destination workload's first container port.

        With a profile that has variability (the default), the exchange is one drawn exchange: its CPU charges and
        wakeups are the draws of the scenario's seed (another --seed draws another). --exact-costs traces the
        exchange with every cost exactly its profile mean, no wakeup latency and fixed interrupt moderation.

        With --out, writes DIR/trace.csv (one row per hop) and DIR/scenario.yaml.

        exit codes: 0 ok; 1 the trace stopped with an error; 2 bad input

        examples:
          netsim trace scenarios/overlay-overhead.yaml --from pod:client --to pod:server
          netsim trace scenarios/overlay-overhead.yaml --from pod:client --to service:web:80 --datapath flannel-vxlan
          netsim trace scenarios/overlay-overhead.yaml --from node:node1 --to nodeport:web@node2 --datapath cilium-ebpf
          netsim trace scenarios/overlay-overhead.yaml --from pod:client --to pod:server --protocol icmp
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--from", "--to", "--port", "--protocol", "--datapath", "--seed", "--set", "--out"], ["--exact-costs"]);
        string file = a.SinglePositional(Name, "scenario file");
        ulong? seed = a.UnsignedValue(Name, "--seed");
        int? port = a.IntValue(Name, "--port", 1, 65535);
        string? protocol = a.Value("--protocol");
        if (protocol is not (null or "tcp" or "udp" or "icmp")) throw ParsedArgs.Bad(Name, $"--protocol must be tcp or icmp, not '{protocol}'");
        using var output = StagedDirectory.Open(a.Value("--out"), Name);
        var scenario = ScenarioInput.Load(Name, file, a.Values("--set"), seed, a.Value("--datapath"));
        var from = TraceEndpoints.Parse(Name, "--from", a.Value("--from"), scenario);
        var to = TraceEndpoints.Parse(Name, "--to", a.Value("--to"), scenario);
        int p = port ?? TraceEndpoints.DefaultPort(scenario, to);
        protocol ??= TraceEndpoints.DefaultProtocol(scenario, to, p);
        if (protocol == "udp") throw ParsedArgs.Bad(Name, $"--protocol udp (or a UDP port of {to}): NetSim has no UDP request/response application to trace (UDP runs as bulk streams); trace tcp or icmp");
        if (p == 0 && protocol != "icmp") throw ParsedArgs.Bad(Name, $"--to {to} has no port to default to; pass --port");
        if (protocol == "icmp") p = 0;
        var profiles = new ProfileCache();
        profiles.For(scenario);

        var request = new TraceRequest(from, to, (ushort)p, protocol) { ExactCosts = a.Flag("--exact-costs") };
        var trace = Runs.Trace(_runner, profiles, scenario, scenario.Cni.Datapath, request);
        var console = Terminal.For(stdout);
        TraceView.Write(console, trace, protocol, (ushort)p);

        if (output is not null)
        {
            File.WriteAllText(output.FilePath("scenario.yaml"), ScenarioInput.Resolve(scenario).Yaml);
            CsvTable.Write(output.FilePath("trace.csv"), TraceView.Rows(trace));
            output.Commit(CommandText.Of(Name, args));
            console.WriteLine($"results: {output.Target}");
        }
        return ExitCodes.Ok;
    }
}
