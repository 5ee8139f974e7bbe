using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim policy-matrix's command line.</summary>
public sealed class PolicyMatrixSettings : ScenarioSettings
{
    public const string Name = "policy-matrix";

    public static readonly CommandSpec Spec = new(Name, """
        the NetworkPolicy reachability truth table of every pod pair, measured through the datapath

        Builds the scenario's cluster over its datapath (or --datapath) with every agent's NetworkPolicy programming
        in place (Felix's iptables chains and ipsets, the eBPF policy maps), then from every pod to every other pod
        probes each --port (default 80/TCP; PORT/TCP, PORT/UDP or PORT/SCTP): a TCP connection and one request, one UDP
        datagram, or an SCTP association's INIT, which the pod's listening endpoint answers with an INIT ACK. A cell is
        "." when the exchange completed (the datagram arrived) and "X" when a packet was dropped on the way (nothing
        within 200 ms); "-" is a pod to itself, not probed. Rows are sources (from), columns destinations (to), pods named namespace/name as in the
        upstream e2e suite (a workload x-a in namespace x is x/a). The output is the combined table (both ends'
        policies, as a connection sees them), one per probe, in the layout --expect reads. With --directions, each
        probe also gets an ingress table and an egress table ("Probe TCP/80 ingress:"), measured through a cluster
        built with only that direction of every policy (the other left open), as cyclonus prints them.

        --expect FILE compares with expected tables ("Probe TCP/80:" before a table names its probe; a table without
        one applies to every probe; "Probe TCP/80 ingress:" a direction table, compared when the file has one) and
        lists every differing cell. Flannel and the bridge plugin enforce no policy:
        their tables say so in a warning.

        Exit codes: 0 ok (and as expected); 1 a cell differs from --expect; 2 bad input.
        """,
        [
            "netsim policy-matrix scenarios/netpol-9pod.yaml",
            "netsim policy-matrix scenarios/netpol-9pod.yaml --datapath cilium-ebpf --port 80 --port 81/UDP",
            "netsim policy-matrix scenarios/netpol-9pod.yaml --datapath calico-ebpf --port 80/TCP --port 80/SCTP",
            "netsim policy-matrix scenarios/netpol-9pod.yaml --datapath calico-ebpf --expect scenarios/netpol-9pod.expected.txt",
            "netsim policy-matrix scenarios/manifests/calico-cluster.yaml --directions",
        ]);

    protected override string Command => Name;

    [CommandOption("--port <PORT/PROTOCOL>")]
    [Description("a probe: destination port and protocol, 80/TCP or 80/UDP (TCP when omitted); repeatable; default 80/TCP")]
    public string[] Port { get; set; } = [];

    [CommandOption("--datapath <NAME>")]
    [Description("build the cluster over this datapath instead of the scenario's cni.datapath")]
    public string? Datapath { get; set; }

    [CommandOption("--directions")]
    [Description("also measure the ingress-only and egress-only tables (each policy cut down to one direction)")]
    public bool Directions { get; set; }

    [CommandOption("--expect <FILE>")]
    [Description("expected tables; exit 1 when a cell differs")]
    public string? Expect { get; set; }
}
