using System.ComponentModel;
using NetSim.Planning.Requirements;
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

        Instead of a file, the common requirements can be given as flags (--nodes, --control-plane, --pods,
        --services, --growth, --max-pods, --environments, --management, --avoid, --cni, --instance-type,
        --prefix-delegation, --name); they build the same requirements as the file with those fields, and the
        rest (node_mask, block_size, enis, space, environments' own counts, ...) take their defaults.

        Exit codes: 0 ok; 2 bad input, or requirements no plan can meet: one line with the field, the reason and
        the smallest change that would meet them.
        """,
        [
            "netsim plan scenarios/exercises/address-plan.yaml",
            "netsim plan scenarios/exercises/address-plan.yaml --out plan",
            "netsim plan --nodes 20 --control-plane 3 --pods 1000 --services 100 --growth 2 --environments dev,staging,prod --management 80 --avoid 192.168.0.0/16 --cni host-local",
            "netsim plan --nodes 20 --control-plane 3 --pods 400 --services 100 --growth 2 --cni aws-vpc --instance-type m5.xlarge --out plan-aws",
        ]);

    [CommandArgument(0, "[REQUIREMENTS]")]
    [Description("the requirements file (YAML; format in docs/planning.md); or give the flags below")]
    public string? Requirements { get; set; }

    [CommandOption("--name <NAME>")]
    [Description("flags form: the plan's name (default plan)")]
    public string? PlanName { get; set; }

    [CommandOption("--nodes <N>")]
    [Description("flags form: worker nodes per environment (nodes.workers)")]
    public string? Nodes { get; set; }

    [CommandOption("--control-plane <N>")]
    [Description("flags form: control-plane nodes per cluster (default 0)")]
    public string? ControlPlane { get; set; }

    [CommandOption("--pods <N>")]
    [Description("flags form: pods per environment")]
    public string? Pods { get; set; }

    [CommandOption("--services <N>")]
    [Description("flags form: Services per environment (default 0)")]
    public string? Services { get; set; }

    [CommandOption("--growth <X>")]
    [Description("flags form: the factor to leave room for (default 1)")]
    public string? Growth { get; set; }

    [CommandOption("--max-pods <N>")]
    [Description("flags form: kubelet's maxPods (default 110)")]
    public string? MaxPods { get; set; }

    [CommandOption("--environments <LIST>")]
    [Description("flags form: environments, comma-separated, each its own cluster (default one)")]
    public string? Environments { get; set; }

    [CommandOption("--management <HOSTS>")]
    [Description("flags form: hosts on a management network (default none)")]
    public string? Management { get; set; }

    [CommandOption("--avoid <PREFIXES>")]
    [Description("flags form: networks to stay clear of, comma-separated")]
    public string? Avoid { get; set; }

    [CommandOption("--cni <IPAM>")]
    [Description("flags form: host-local, calico, cilium-cluster-pool or aws-vpc")]
    public string? Cni { get; set; }

    [CommandOption("--instance-type <TYPE>")]
    [Description("flags form, aws-vpc: the EC2 instance type (its ENI limits from the VPC CNI's table)")]
    public string? InstanceType { get; set; }

    [CommandOption("--prefix-delegation")]
    [Description("flags form, aws-vpc: /28 prefixes in the ENI slots")]
    public bool PrefixDelegation { get; set; }

    public RequirementFlags Flags() =>
        new(PlanName, Nodes, ControlPlane, Pods, Services, Growth, MaxPods, Environments, Management, Avoid, Cni, InstanceType, PrefixDelegation);

    [CommandOption("--out <DIR>")]
    [Description("write report.md and a scenario per cluster here (replaced if it is a previous netsim output)")]
    public string? Out { get; set; }
}
