using NetSim.Datapaths.Common;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Core;
using NetSim.Engine.Cpu;
using NetSim.Engine.Elements;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A tunnel device's gro_cells (net/core/gro_cells.c; used by xfrm_input for decrypted tunnel-mode packets and by
/// vxlan_rcv / geneve_rcv for decapsulated frames): a decapsulated packet is queued for a NAPI poll (gro_cells_receive;
/// at most netdev_max_backlog packets, beyond that dropped, <see cref="DropReason.BacklogFull"/>) that hands up to 64 at
/// a time to GRO (napi_gro_receive, <c>gro.merge</c> per merged segment), so segments the NIC's GRO could not merge
/// (ciphertext, or a zero-checksum UDP tunnel on an older kernel) are merged before the stack sees them. Linux keeps
/// one cell per CPU; here one per device, polled on the CPU that queued the packet that started the poll (a tunnelled
/// flow arrives on one RX queue, so one CPU).
/// </summary>
internal sealed class GroCells : DatapathElement, IGroNapi, IPacketHolder
{
    private const int Budget = SoftnetBacklog.DevWeight;
    private const int Limit = SoftnetBacklog.NetdevMaxBacklog;
    private const int GroMaxBytes = 65535;

    private readonly NetDevice _device;
    private readonly Packet?[] _packets = new Packet?[Limit];
    private readonly long[] _ready = new long[Limit];
    private readonly GroTable _gro = new();
    private int _head;
    private int _count;
    private int _inGro;
    private int _core;
    private bool _scheduled;

    public GroCells(NetDevice device) : base(device.Node, device.Name + "/gro_cells") => _device = device;

    public override NetworkNamespace Namespace => _device.Namespace;
    public int HeldPackets => _count + _inGro;
    public bool Bounded => true;

    public override void Receive(Packet packet) => throw new InvalidOperationException($"{Name} takes packets from its tunnel's receive path");

    /// <summary>gro_cells_receive for a packet whose decapsulation (or decryption) ends at <paramref name="readyAtPs"/>.</summary>
    public void Enqueue(Packet p, long readyAtPs)
    {
        if (_count == Limit)
        {
            Drop(p, DropReason.BacklogFull);
            return;
        }
        int tail = (_head + _count) % Limit;
        _packets[tail] = p;
        _ready[tail] = readyAtPs;
        _count++;
        if (_scheduled) return;
        _scheduled = true;
        _core = p.Core;
        Node.Sim.ScheduleAtPicoseconds(Math.Max(readyAtPs, Node.Sim.NowPicoseconds), this, EventKinds.NapiPoll, 0, null, Node.Id);
    }

    protected override void OnEvent(in SimEvent ev)
    {
        if (ev.Kind == EventKinds.NapiPoll) Poll();
        else if (ev.Kind == EventKinds.NapiPollEnd) PollEnd();
        else base.OnEvent(ev);
    }

    /// <summary>gro_cell_poll: up to the budget of packets whose decapsulation has ended, through GRO.</summary>
    private void Poll()
    {
        long now = Node.Sim.NowPicoseconds;
        long free = Node.Cpu[_core].SoftirqBusyUntil;
        if (free > now)
        {
            Node.Sim.ScheduleAtPicoseconds(free, this, EventKinds.NapiPoll, 0, null, Node.Id);
            return;
        }
        long t = now;
        for (int n = 0; n < Budget && _count > 0 && _ready[_head] <= now; n++)
        {
            Packet p = _packets[_head]!;
            _packets[_head] = null;
            _head = (_head + 1) % Limit;
            _count--;
            p.Core = _core;
            _inGro++;
            t = _gro.Receive(p, t, GroMaxBytes, this);
        }
        Node.Sim.ScheduleAtPicoseconds(t, this, EventKinds.NapiPollEnd, 0, null, Node.Id);
    }

    private void PollEnd()
    {
        long now = Node.Sim.NowPicoseconds;
        _gro.Flush(now, this);
        if (_count == 0)
        {
            _scheduled = false; // napi_complete_done
            return;
        }
        Node.Sim.ScheduleAtPicoseconds(Math.Max(now, _ready[_head]), this, EventKinds.NapiPoll, 0, null, Node.Id);
    }

    long IGroNapi.ChargeMerge(Packet segment)
    {
        _inGro--; // absorbed into the packet GRO holds
        return Charge(segment, Costs.GroMerge.For(segment.Length), segment.Trace is null ? null : "gro_cells: merged");
    }

    void IGroNapi.Up(Packet packet, long atPs)
    {
        _inGro--;
        Node.Sim.ScheduleAtPicoseconds(atPs, _device.RxEntry, EventKinds.PacketArrival, 0, packet, Node.Id);
    }
}
