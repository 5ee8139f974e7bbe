using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Cpu;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Elements;

/// <summary>
/// A hop in the datapath. It receives a packet, decides what to do with it, charges its node's CPU for the work
/// (<c>fixed + perByte × bytes</c> on the packet's core, queueing if the core is busy) and hands the packet to the
/// next element when that work is done. Each charge is the profile's mean times the node's draw of its softirq
/// spread (exactly the mean with exact costs). When the packet is traced, each hop is recorded with its CPU and
/// queue time.
/// </summary>
public abstract class PacketElement : IEventTarget
{
    protected PacketElement(NodeContext node, string name)
    {
        Node = node;
        Name = name;
        node.Elements.Add(this);
    }

    public NodeContext Node { get; }
    /// <summary>The element's name as a Linux engineer would say it: "veth3a1f", "cni0", "flannel.1", "eth0".</summary>
    public string Name { get; protected set; }
    public ElementStats Stats { get; } = new();

    /// <summary>A packet arrives at this element.</summary>
    public abstract void Receive(Packet packet);

    void IEventTarget.OnEvent(in SimEvent ev) => OnEvent(ev);

    /// <summary>An event for this element: a packet arriving, unless the element schedules events of its own kinds.</summary>
    protected virtual void OnEvent(in SimEvent ev) => Receive((Packet)ev.Payload!);

    /// <summary>Charges <paramref name="cost"/> for this packet on its core, then delivers it to <paramref name="next"/>.</summary>
    protected void Work(Packet packet, Cost cost, PacketElement next, string? action = null) =>
        WorkPs(packet, cost.For(packet.Length), next, action);

    /// <summary>Charges <paramref name="workPs"/> picoseconds on the packet's core, then delivers it to <paramref name="next"/>.</summary>
    protected void WorkPs(Packet packet, long workPs, PacketElement next, string? action = null)
    {
        long finish = Charge(packet, workPs, action);
        Node.Sim.ScheduleAtPicoseconds(finish, next, EventKinds.PacketArrival, 0, packet, Node.Id);
    }

    /// <summary>
    /// Charges work (<paramref name="workPs"/> on average, as drawn for this charge) for this packet without forwarding
    /// it (the caller decides what follows); returns when it finishes.
    /// </summary>
    protected long Charge(Packet packet, long workPs, string? action = null)
    {
        workPs = Node.Draws.Softirq(workPs);
        long now = Node.Sim.NowPicoseconds;
        long finish = Node.Cpu[packet.Core].Execute(now, workPs, out long waited);
        Stats.Record(packet.Length, workPs, waited);
        packet.Trace?.AddWork(finish, Node.Name, Name, action ?? "", workPs, waited);
        return finish;
    }

    /// <summary>
    /// Charges work in <paramref name="context"/> on the packet's core for a packet that has waited in a software queue
    /// (a workqueue's ring) since <paramref name="queuedAtPs"/>: that wait counts as queueing, with the wait for the
    /// core. Returns when it finishes.
    /// </summary>
    protected long ChargeQueued(Packet packet, long workPs, long queuedAtPs, CpuContext context, string? action = null)
    {
        long now = Node.Sim.NowPicoseconds;
        long finish = Node.Cpu[packet.Core].Execute(now, workPs, context, out long waited);
        long queued = waited + Math.Max(0, now - queuedAtPs);
        Stats.Record(packet.Length, workPs, queued);
        packet.Trace?.AddWork(finish, Node.Name, Name, action ?? "", workPs, queued);
        return finish;
    }

    /// <summary>Drops the packet here, with a reason (counted, traced).</summary>
    protected void Drop(Packet packet, DropReason reason)
    {
        packet.Trace?.Add(new HopRecord(Node.Sim.NowPicoseconds, Node.Name, Name, $"drop: {reason}", 0, 0, 0));
        Node.Pool.Drop(packet, reason);
    }

    public override string ToString() => $"{Node.Name}/{Name}";
}
