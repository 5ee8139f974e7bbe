using System.ComponentModel;
using Spectre.Console.Cli;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>netsim plan's command line.</summary>
public sealed class PlanSettings : CommandSettings
{
    public const string Name = "plan";

    public static readonly CommandSpec Spec = new(Name, """
        plan a cluster's addresses: pod, Service, node and management prefixes, sized and clear of other networks

        Reads REQUIREMENTS (nodes by role, pods, Services, growth, environments and whether they share a cluster,
        a management network, networks to avoid, the CNI's IPAM: host-local, calico, cilium-cluster-pool or
        aws-vpc, and kubelet's max_pods; format in docs/planning.md). Sizes every prefix for the demand after
        growth by the IPAM's rules (a /24 per node from the cluster CIDR, Calico's /26 blocks, Cilium's per-node
        mask, the VPC CNI's ENI slots), places them in private space (RFC 1918; RFC 6598 when allowed) with no
        overlap with the avoid list or between environments, and prints each prefix with the arithmetic: addresses
        needed now and after growth, utilization, and what runs out first. With --out it writes DIR/report.md and
        a ready-to-run scenario per cluster (DIR/NAME.yaml) that netsim validate accepts and netsim run runs.

        Exit codes: 0 ok; 2 bad input, or requirements no plan can meet: one line with the field, the reason and
        the smallest change that would meet them.
        """,
        [
            "netsim plan scenarios/exercises/address-plan.yaml",
            "netsim plan scenarios/exercises/address-plan.yaml --out plan",
        ]);

    [CommandArgument(0, "<REQUIREMENTS>")]
    [Description("the requirements file (YAML; format in docs/planning.md)")]
    public string Requirements { get; set; } = "";

    [CommandOption("--out <DIR>")]
    [Description("write report.md and a scenario per cluster here (replaced if it is a previous netsim output)")]
    public string? Out { get; set; }
}
