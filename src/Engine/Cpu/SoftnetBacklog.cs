using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Cpu;

/// <summary>
/// One core's softnet backlog (struct softnet_data's input_pkt_queue with its backlog NAPI, process_backlog):
/// packets that netif_rx and enqueue_to_backlog hand to this core (a veth's transmit, RPS steering) wait here, at
/// most net.core.netdev_max_backlog of them; beyond that the caller drops them (DropReason.BacklogFull, the
/// "dropped" column of /proc/net/softnet_stat). The core's NET_RX softirq polls the queue once the core is free,
/// up to net.core.dev_weight packets a round, each going on to its device's receive (__netif_receive_skb).
/// </summary>
public sealed class SoftnetBacklog : IEventTarget, IPacketHolder
{
    /// <summary>net.core.netdev_max_backlog default.</summary>
    public const int NetdevMaxBacklog = 1000;
    /// <summary>net.core.dev_weight default: packets process_backlog takes per round.</summary>
    public const int DevWeight = 64;

    private readonly NodeContext _node;
    private readonly int _core;
    private readonly Packet?[] _packets = new Packet?[NetdevMaxBacklog];
    private readonly PacketElement?[] _targets = new PacketElement?[NetdevMaxBacklog];
    private readonly long[] _ready = new long[NetdevMaxBacklog];
    private int _head;
    private int _count;
    private bool _pollScheduled;

    internal SoftnetBacklog(NodeContext node, int core)
    {
        _node = node;
        _core = core;
        node.Holders.Add(this);
    }

    public int HeldPackets => _count;
    public bool Bounded => true;
    /// <summary>Packets refused because the backlog was full.</summary>
    public long Dropped { get; private set; }
    public long Processed { get; private set; }

    /// <summary>
    /// enqueue_to_backlog: <paramref name="packet"/> waits for this core's softirq, ready at <paramref name="readyAtPs"/>
    /// (when the work that queued it ends), then goes to <paramref name="target"/>. False when the backlog is full:
    /// the caller drops the packet with <see cref="DropReason.BacklogFull"/>.
    /// </summary>
    public bool Enqueue(Packet packet, PacketElement target, long readyAtPs)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (_count == NetdevMaxBacklog)
        {
            Dropped++;
            return false;
        }
        int tail = (_head + _count) % NetdevMaxBacklog;
        _packets[tail] = packet;
        _targets[tail] = target;
        _ready[tail] = readyAtPs;
        _count++;
        packet.Core = _core;
        if (!_pollScheduled)
        {
            _pollScheduled = true;
            _node.Sim.ScheduleAtPicoseconds(Math.Max(readyAtPs, _node.Sim.NowPicoseconds), this, EventKinds.NapiPoll, 0, null, _node.Id);
        }
        return true;
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        long now = _node.Sim.NowPicoseconds;
        long coreFree = _node.Cpu[_core].SoftirqBusyUntil;
        if (coreFree > now)
        {
            _node.Sim.ScheduleAtPicoseconds(coreFree, this, EventKinds.NapiPoll, 0, null, _node.Id);
            return;
        }
        Round(now);
        if (_count == 0)
        {
            _pollScheduled = false;
            return;
        }
        // More is waiting: the next round starts when this one's work is done (or when the head becomes ready).
        _node.Sim.ScheduleAtPicoseconds(Math.Max(now, _ready[_head]), this, EventKinds.NapiPoll, 0, null, _node.Id);
    }

    /// <summary>
    /// net_rx_action's round robin: another NAPI on this core (a NIC RX queue) used its whole budget and goes to the tail
    /// of the poll list, so this backlog's round, if it has ready packets, runs now, before that NAPI polls again.
    /// Without it a veth's packets (a pod's ACKs) would wait until the NIC's ring ran dry. The planned poll event stays
    /// (and finds what is left).
    /// </summary>
    internal void RoundBeforeRepoll(long now)
    {
        if (_count > 0 && _ready[_head] <= now) Round(now);
    }

    /// <summary>One process_backlog round: up to dev_weight ready packets go on to their devices' receive.</summary>
    private void Round(long now)
    {
        for (int n = 0; n < DevWeight && _count > 0 && _ready[_head] <= now; n++)
        {
            Packet p = _packets[_head]!;
            PacketElement target = _targets[_head]!;
            p.Trace?.Add(new HopRecord(now, _node.Name, $"backlog cpu{_core}", "process_backlog", 0, now - _ready[_head], 0));
            _packets[_head] = null;
            _targets[_head] = null;
            _head = (_head + 1) % NetdevMaxBacklog;
            _count--;
            Processed++;
            _node.Sim.ScheduleAtPicoseconds(now, target, EventKinds.PacketArrival, 0, p, _node.Id);
        }
    }
}
