using NetSim.Topologies.Scenarios;

namespace NetSim.Planning.Rules;

/// <summary>
/// Calico IPAM: the IP pool is cut into /blockSize blocks (default /26, 64 addresses) that nodes claim as they need
/// them, one route per block. When every block is claimed, a node borrows single addresses from other nodes'
/// blocks (strictAffinity false, the default), so pods keep starting until the pool's last address. The plan sizes
/// the pool for affine blocks, so borrowing stays the margin. In IPIP and VXLAN modes each node's tunnel device
/// takes one address from its block.
/// </summary>
public sealed class CalicoIpamRule : PodAddressRule
{
    public CalicoIpamRule(int blockSize, string datapath)
    {
        BlockSize = blockSize;
        TunnelAddresses = datapath is DatapathNames.CalicoIpip or DatapathNames.CalicoVxlan ? 1 : 0;
    }

    public int BlockSize { get; }
    public int TunnelAddresses { get; }

    public override PodNetworkSizing Size(ClusterDemand demand, int maxPods)
    {
        ArgumentNullException.ThrowIfNull(demand);
        // A node can claim any number of blocks, so only maxPods limits a node.
        CheckPodsFitNodes(demand, maxPods, int.MaxValue, "", "max_pods");
        long blockAddresses = (long)PrefixMath.Size(BlockSize);
        long blocksNow = Blocks(demand.Pods, demand.Workers, demand.ControlPlane, blockAddresses);
        long blocksAfter = Blocks(demand.PodsAfter, demand.WorkersAfter, demand.ControlPlaneAfter, blockAddresses);
        int bits = PrefixMath.CeilLog2((ulong)blocksAfter);
        int length = BlockSize - bits;
        if (length < 1)
            throw new UnmetRequirementException("cni.block_size", $"{blocksAfter} /{BlockSize} blocks do not fit IPv4", "fewer pods or nodes");
        long poolBlocks = 1L << bits;
        long tunnel = (long)demand.NodesAfter * TunnelAddresses;
        var rows = new List<CapacityRow>
        {
            new($"IP pool: /{BlockSize} blocks (affine)", blocksNow, blocksAfter, poolBlocks,
                $"/{length} = 2^({BlockSize}-{length}) = {poolBlocks} blocks of {blockAddresses}"),
            new("pod addresses (with borrowing)", demand.Pods + (long)demand.Nodes * TunnelAddresses, demand.PodsAfter + tunnel,
                poolBlocks * blockAddresses, $"{poolBlocks} × {blockAddresses}, every address usable once blocks are borrowed from"),
            MaxPodsRow(demand, maxPods, maxPods, $"max_pods {maxPods}"),
        };
        int perWorker = PodsPerWorker(demand.PodsAfter, demand.WorkersAfter);
        string[] notes =
        [
            $"A worker holds {perWorker} pods after growth (+{TunnelAddresses} tunnel address) = {BlocksPerWorker(perWorker, blockAddresses)} block(s) of {blockAddresses}; " +
            $"{demand.WorkersAfter} workers × that + {demand.ControlPlaneAfter} control-plane node(s) × 1 = {blocksAfter} blocks → 2^{bits} = {poolBlocks}, a /{BlockSize} - {bits} = /{length} pool.",
            "Once every block is claimed, nodes borrow addresses from other nodes' blocks (more routes, no outage): the address row is the hard limit.",
        ];
        return new PodNetworkSizing(length, BlockSize, maxPods, null, rows, notes);
    }

    private long Blocks(int pods, int workers, int controlPlane, long blockAddresses) =>
        (long)workers * BlocksPerWorker(PodsPerWorker(pods, workers), blockAddresses) + controlPlane;

    private static int PodsPerWorker(int pods, int workers) => (int)Math.Ceiling((double)pods / workers);

    private long BlocksPerWorker(int pods, long blockAddresses) => Math.Max(1, (pods + TunnelAddresses + blockAddresses - 1) / blockAddresses);
}
