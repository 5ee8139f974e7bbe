using NetSim.Datapaths.Common;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// __netif_receive_skb_core for one device: XDP (before the skb exists), capture, <c>netif.receive</c>, tc ingress,
/// then the rx handler — the bridge when the device is a bridge port — or the namespace's ip_rcv.
/// </summary>
internal sealed class NetifReceive : DatapathElement
{
    private readonly NetDevice _device;
    private readonly bool _afterBridgeNetfilter;
    private readonly bool _afterSteering;

    /// <param name="afterBridgeNetfilter">
    /// A bridge's second entry for frames br_netfilter already ran PREROUTING on: they skip XDP (they never came
    /// from a driver) and iptables PREROUTING at ip_rcv (ip_sabotage_in).
    /// </param>
    /// <param name="afterSteering">The entry on the core RPS steered the packet to: it is not steered again.</param>
    public NetifReceive(NetDevice device, bool afterBridgeNetfilter, bool afterSteering = false)
        : base(device.Node, afterBridgeNetfilter ? device.Name + "/rx(br_nf)" : afterSteering ? device.Name + "/rx(rps)" : device.Name + "/rx")
    {
        _device = device;
        _afterBridgeNetfilter = afterBridgeNetfilter;
        _afterSteering = afterSteering;
    }

    public override NetworkNamespace Namespace => _device.Namespace;

    public override void Receive(Packet p)
    {
        NetDevice dev = _device;
        if (!dev.IsUp)
        {
            dev.Counters.RxDropped++;
            Drop(p, DropReason.DeviceDown);
            return;
        }
        if (dev.Rps is { } rps && !_afterSteering && !_afterBridgeNetfilter && Steer(p, rps, dev)) return;
        long ps = 0;
        if (dev.Xdp is { } xdp && !_afterBridgeNetfilter)
        {
            ps += BpfCost(xdp, p);
            if (ActOnBpf(p, xdp.Execute(p, BpfHookPoint.Xdp, dev), BpfHookPoint.Xdp, dev, ref ps)) return;
        }
        dev.Counters.CountRx(p.Length);
        dev.Tap?.Capture(p, Node.Sim.NowPicoseconds);
        p.IngressInterface = dev.IfIndex;
        ps += Costs.NetifReceive.For(p.Length);
        if (dev.TcIngress is { } prog)
        {
            ps += BpfCost(prog, p);
            if (ActOnBpf(p, prog.Execute(p, BpfHookPoint.TcIngress, dev), BpfHookPoint.TcIngress, dev, ref ps)) return;
        }
        if (dev.RxHandler is { } handler && handler.HandleFrame(p, ps)) return;
        if (dev.BridgePort is { } port)
        {
            WorkPs(p, ps, port.Bridge.Input, p.Trace is null ? null : "netif_receive_skb → br_handle_frame");
            return;
        }
        NetworkNamespace ns = dev.Namespace;
        WorkPs(p, ps, _afterBridgeNetfilter ? ns.IpReceiveAfterBridgeNetfilter : ns.IpReceive, p.Trace is null ? null : "netif_receive_skb");
    }

    /// <summary>
    /// netif_receive_skb_internal with RPS: when get_rps_cpu picks another core, the packet is queued on that core's
    /// backlog (enqueue_to_backlog and its IPI, <c>rps.steer</c> on this core) and its stack work runs there.
    /// </summary>
    private bool Steer(Packet p, RpsSteering rps, NetDevice dev)
    {
        int target = rps.TargetCore(p, Node) % Node.Cpu.CoreCount;
        if (target == p.Core) return false;
        long done = Charge(p, Costs.RpsSteer.For(p.Length), p.Trace is null ? null : $"get_rps_cpu → cpu{target}");
        if (!Node.Backlog(target).Enqueue(p, dev.RxAfterSteering!, done))
        {
            dev.Counters.RxDropped++;
            Drop(p, DropReason.BacklogFull);
        }
        return true;
    }
}
