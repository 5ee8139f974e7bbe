namespace NetSim.Datapaths.Ebpf;

/// <summary>What an eBPF program tells the kernel to do with the packet.</summary>
public enum BpfVerdict
{
    /// <summary>TC_ACT_OK / XDP_PASS: continue on the normal path.</summary>
    Pass,
    /// <summary>TC_ACT_SHOT / XDP_DROP: drop (DropReason.BpfDrop).</summary>
    Drop,
    /// <summary>bpf_redirect(ifindex, flags): to the target device's egress (or its ingress with BPF_F_INGRESS); XDP_REDIRECT for XDP.</summary>
    Redirect,
    /// <summary>
    /// bpf_redirect_peer(ifindex): from tc ingress straight into the ingress of the target veth's peer in another
    /// namespace, without the backlog queue and without the host's IP stack and netfilter.
    /// </summary>
    RedirectPeer,
    /// <summary>
    /// bpf_redirect_neigh(ifindex): transmit on the target device with the L2 header filled from the FIB and the
    /// neighbour table, skipping the host's IP stack and netfilter.
    /// </summary>
    RedirectNeigh,
    /// <summary>XDP_TX: bounce the frame back out of the device it arrived on.</summary>
    Tx,
}
