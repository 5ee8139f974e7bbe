using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Ebpf;

/// <summary>The verdict of one eBPF program run, with the redirect target when there is one.</summary>
public readonly record struct BpfResult(BpfVerdict Verdict, NetDevice? Target = null, bool ToIngress = false, Ipv4Address NextHop = default)
{
    /// <summary>BPF map lookups and updates the run made (policy, conntrack, ipcache maps), each charged <c>bpf.map_lookup</c>.</summary>
    public int MapLookups { get; init; }

    /// <summary>Packets headers the run rewrote (an eBPF SNAT or reverse SNAT), each charged <c>nat.rewrite</c> like nf_nat's.</summary>
    public int Rewrites { get; init; }

    /// <summary>Why a drop verdict drops (a policy program's DROP_POLICY); null counts it as <see cref="Engine.Packets.DropReason.BpfDrop"/>.</summary>
    public Engine.Packets.DropReason? Reason { get; init; }

    /// <summary>TC_ACT_SHOT with the program's own drop reason.</summary>
    public static BpfResult DropWith(Engine.Packets.DropReason reason) => new(BpfVerdict.Drop) { Reason = reason };

    public static BpfResult Pass => new(BpfVerdict.Pass);
    public static BpfResult Drop => new(BpfVerdict.Drop);
    public static BpfResult Tx => new(BpfVerdict.Tx);

    /// <summary>bpf_redirect to <paramref name="device"/>'s egress, or its ingress with BPF_F_INGRESS.</summary>
    public static BpfResult Redirect(NetDevice device, bool toIngress = false) => new(BpfVerdict.Redirect, device, toIngress);

    /// <summary>bpf_redirect_peer: <paramref name="veth"/> is the host-side veth; the packet enters its peer.</summary>
    public static BpfResult RedirectPeer(VethDevice veth) => new(BpfVerdict.RedirectPeer, veth);

    /// <summary>bpf_redirect_neigh to <paramref name="device"/>; the next hop comes from the FIB unless given.</summary>
    public static BpfResult RedirectNeigh(NetDevice device, Ipv4Address nextHop = default) => new(BpfVerdict.RedirectNeigh, device, false, nextHop);
}
