using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim trace's command line.</summary>
public sealed class TraceSettings : ScenarioSettings
{
    public const string Name = "trace";

    public static readonly CommandSpec Spec = new(Name, """
        follow one packet exchange hop by hop: what each element did and the time it took

        Builds the scenario's cluster, sends request/response exchanges from A to B (netperf TCP_RR: a handshake,
        then 1-byte requests and responses) or ICMP echoes, and prints the walk of one exchange in the steady state
        (after the first ones have set up ARP, conntrack and the caches), or of the very first with --first: per
        packet its hops (node, element, what it did, e.g. "DNAT 10.96.0.10:80→10.244.2.5:8080", "VXLAN encap VNI 1",
        "route lookup via 10.0.0.3", "conntrack: new entry", "iptables nat PREROUTING: 1,003 rules"), the CPU,
        queueing and wire time of each hop, the time since the previous hop and the latency so far; then each
        packet's one-way latency split into CPU, queueing, wire and waiting, and the round trip.

        A and B are endpoints as in a scenario's traffic: pod:NAME[/CONTAINER], workload:NAME, node:NAME,
        service:NAME[:PORT], nodeport:SERVICE[@NODE], external[:NAME].
        The port is --port, else the one in B (service:web:80), else the Service's (node) port, else the
        destination workload's first container port.

        With --out, writes DIR/trace.csv (one row per hop) and DIR/scenario.yaml.

        Exit codes: 0 ok; 1 the trace stopped with an error; 2 bad input.
        """,
        [
            "netsim trace scenarios/overlay-overhead.yaml --from pod:client --to pod:server",
            "netsim trace scenarios/overlay-overhead.yaml --from pod:client --to pod:server --port 5201 --datapath flannel-vxlan",
            "netsim trace scenarios/service-nodeport.yaml --from external:lb --to nodeport:web@node1",
            "netsim trace scenarios/kube-proxy-scale.yaml --from pod:client --to service:target:80 --first",
            "netsim trace scenarios/overlay-overhead.yaml --from pod:client --to pod:server --protocol icmp",
        ]);

    protected override string Command => Name;

    [CommandOption("--from <A>")]
    [Description("where the exchange starts (pod:NAME, node:NAME, external, ...)")]
    public string? From { get; set; }

    [CommandOption("--to <B>")]
    [Description("where it goes (pod:NAME, service:NAME[[:PORT]], nodeport:SERVICE[[@NODE]], ...)")]
    public string? To { get; set; }

    [CommandOption("--port <P>")]
    [Description("the destination port (default: B's, see above)")]
    public string? Port { get; set; }

    [CommandOption("--protocol <tcp|icmp>")]
    [Description("tcp (a TCP_RR exchange; the default) or icmp (an echo)")]
    public string? Protocol { get; set; }

    [CommandOption("--datapath <NAME>")]
    [Description("trace over this datapath instead of the scenario's cni.datapath")]
    public string? Datapath { get; set; }

    [CommandOption("--first")]
    [Description("trace the first exchange (cold: ARP, new conntrack entries, the full rule walk) instead of a steady-state one")]
    public bool First { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("write trace.csv and scenario.yaml to DIR")]
    public string? Out { get; set; }

    public int? PortValue => OptionValues.Bounded(Name, "--port", Port, 1, 65535);
}
