namespace NetSim.Datapaths.Ebpf;

/// <summary>Where an eBPF program is attached.</summary>
public enum BpfHookPoint
{
    /// <summary>XDP: in the driver, before an skb exists (cheapest drop/redirect point).</summary>
    Xdp,
    /// <summary>tc ingress (sch_handle_ingress / tcx ingress): after the skb is built, before the IP stack.</summary>
    TcIngress,
    /// <summary>tc egress (sch_handle_egress / tcx egress): in dev_queue_xmit, before the driver.</summary>
    TcEgress,
}
