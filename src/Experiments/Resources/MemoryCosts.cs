namespace NetSim.Experiments.Resources;

/// <summary>
/// What one unit of a scenario costs in memory in this simulator (not on a real node): measured by
/// `dotnet bench/bin/Release/net10.0/NetSim.Bench.dll --memory` (bench/MemoryRunner.cs; table and method in
/// bench/RESULTS.md, "Memory"), which builds clusters of two or three sizes per term and divides the difference in
/// retained managed memory. Each figure is the largest over the datapaths (or the mode's own), so an estimate errs high.
/// </summary>
public static class MemoryCosts
{
    /// <summary>A node (namespaces, devices, CPU, NIC): 54,830 B (calico-ipip, the largest linear term).</summary>
    public const long PerNode = 54_830;

    /// <summary>Per pair of nodes (each node's routes, neighbours and tunnel entries for every peer): 285 B (the VXLAN and Geneve datapaths).</summary>
    public const long PerNodePair = 285;

    /// <summary>A pod (its namespace, veth pair, routes, CNI state): 23,359 B (calico-ipip and calico-vxlan).</summary>
    public const long PerPod = 23_359;

    /// <summary>Per Service port on each node, by proxy mode: iptables 1,686 B, IPVS 791 B, nftables 1,291 B, eBPF 307 B.</summary>
    public static long PerServicePerNode(string mode) => mode switch
    {
        "iptables" => 1_686,
        "ipvs" => 791,
        "nftables" => 1_291,
        "ebpf" => 307,
        _ => 0,
    };

    /// <summary>Per endpoint of a Service port on each node, by proxy mode: iptables 873 B, IPVS 101 B, nftables 507 B, eBPF 14 B.</summary>
    public static long PerEndpointPerNode(string mode) => mode switch
    {
        "iptables" => 873,
        "ipvs" => 101,
        "nftables" => 507,
        "ebpf" => 14,
        _ => 0,
    };

    /// <summary>
    /// The process's resident memory per byte of retained cluster state: 0.65, fitted to the peak RSS of `netsim run`
    /// on 50- and 100-node iptables, nftables and eBPF clusters (within 3 % of each; bench/RESULTS.md, "Memory").
    /// </summary>
    public const double ResidentPerRetained = 0.65;

    /// <summary>The .NET runtime, the loaded assemblies and the cost profile before any cluster: 125 MiB (the same fit).</summary>
    public const long Runtime = 125L << 20;

    /// <summary>A packet waiting in the simulator (its object and its pending event): 1.2 KiB, from a UDP sender above line rate.</summary>
    public const long PerPacketInFlight = 1_230;

    /// <summary>An open-loop arrival's connection (sockets both ends, its transaction state): 2 KiB, from Poisson arrivals faster than served.</summary>
    public const long PerArrival = 2_000;
}
