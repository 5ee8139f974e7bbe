using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

/// <summary>
/// A run split across threads (<see cref="Simulator.Split"/>) against the same run on one thread: a model of nodes
/// whose every decision depends on the order its events arrive in, on a coarse time grid so that events of different
/// nodes tie at the same instant all the time (local zero-delay hops, timers, messages from other nodes). The split
/// run must give every node the same event sequence, and the same fingerprint, count and clock.
/// </summary>
public sealed class SplitRunTests
{
    private const long Grid = 1_000;
    private const long Lookahead = 5 * Grid;

    /// <summary>
    /// One node: each event folds (time, kind, arg) into the node's state, and the state picks what happens next: a
    /// hop now (same instant), a hop one or two grid steps on, or a message to another node at least the lookahead on.
    /// </summary>
    private sealed class NodeModel(int id, Simulator sim, NodeModel[] all, int budget, SerialWire? wire = null) : IEventTarget
    {
        private int _left = budget;
        public ulong State = (ulong)id * 0x9E3779B97F4A7C15UL + 1;
        public readonly List<(long Time, int Kind, long Arg)> Seen = [];

        public void OnEvent(in SimEvent ev)
        {
            Seen.Add((ev.Time, ev.Kind, ev.Arg));
            State = (State ^ (ulong)ev.Time ^ ((ulong)ev.Kind << 40) ^ (ulong)ev.Arg) * 0x100000001B3UL;
            State ^= State >> 29;
            if (--_left <= 0) return;
            int fanout = 1 + (int)(State % 2);
            for (int i = 0; i < fanout; i++)
            {
                ulong r = State >> (8 * i + 3);
                switch (r % 4)
                {
                    case 0: sim.Schedule(SimTime.Zero, this, 1, (long)(r & 0xFF)); break; // a zero-delay hop: the lane
                    case 1: sim.Schedule(new SimTime(Grid * (long)(1 + (r >> 8) % 2)), this, 2, (long)(r & 0xFF)); break;
                    default:
                        var to = all[(int)((r >> 10) % (ulong)all.Length)];
                        long at = wire is null ? sim.NowPicoseconds + Lookahead + Grid * (long)((r >> 20) % 2) : wire.Send(sim.NowPicoseconds);
                        sim.ScheduleAtPicoseconds(at, to, 3, id, null, to.Id);
                        break;
                }
            }
        }

        public int Id => id;
    }

    /// <summary>
    /// A node's one outgoing wire to the others: a FIFO that takes <see cref="SerialisePs"/> per message and delivers
    /// <see cref="Lookahead"/> after a message starts, so while it is backlogged it promises more than the lookahead.
    /// </summary>
    private sealed class SerialWire : IPartitionCrossing
    {
        public const long SerialisePs = 2 * Grid;
        private long _freePs;

        public long Send(long nowPs)
        {
            long start = Math.Max(nowPs, _freePs);
            _freePs = start + SerialisePs;
            return start + Lookahead;
        }

        public long EarliestCrossingPs(long fromPs) => Math.Max(fromPs, _freePs) + Lookahead;
    }

    private static (ulong Fingerprint, long Events, long Now, List<List<(long, int, long)>> Seen) Run(int nodes, int partitions) =>
        Run(nodes, partitions, wired: false, crossings: false).Result;

    /// <param name="wired">Messages to other nodes go through each node's <see cref="SerialWire"/>.</param>
    /// <param name="crossings">The split is told of the wires (a dynamic lookahead), not only the static one.</param>
    private static ((ulong Fingerprint, long Events, long Now, List<List<(long, int, long)>> Seen) Result, long Windows) Run(
        int nodes, int partitions, bool wired, bool crossings)
    {
        var sim = new Simulator();
        var all = new NodeModel[nodes];
        var wires = new SerialWire?[nodes];
        for (int i = 0; i < nodes; i++) all[i] = new NodeModel(i, sim, all, budget: 400, wires[i] = wired ? new SerialWire() : null);
        for (int i = 0; i < nodes; i++) sim.ScheduleAtPicoseconds(Grid * (i % 3), all[i], 0, i, null, i);
        int[] partitionOf = [.. Enumerable.Range(0, nodes).Select(i => i * partitions / nodes)];
        List<(int, IPartitionCrossing)>? crossing = crossings ? [.. wires.Select((w, i) => (partitionOf[i], (IPartitionCrossing)w!))] : null;
        if (partitions > 1) sim.Split(new Partitioning(partitionOf, partitions, Lookahead, crossing));
        try
        {
            sim.RunUntil(new SimTime(Grid * 150));
            // Between runs the caller schedules too (as a warm-up's snapshot code might); then the rest of the run.
            for (int i = 0; i < nodes; i += 3) sim.ScheduleAtPicoseconds(sim.NowPicoseconds, all[i], 4, -i, null, i);
            sim.Run();
        }
        finally
        {
            sim.EndSplit();
        }
        return ((sim.Fingerprint, sim.EventsProcessed, sim.NowPicoseconds, [.. all.Select(n => n.Seen.Select(s => (s.Time, s.Kind, s.Arg)).ToList())]), sim.Windows);
    }

    /// <summary>
    /// Told how soon each node's backlogged wire can deliver, the split runs longer windows (fewer of them) and still
    /// the sequential order: a bound that promised too much would make the engine refuse an event (the run throws).
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Backlogged_wires_lengthen_the_windows_and_keep_the_sequential_order(int partitions)
    {
        var one = Run(12, 1, wired: true, crossings: false).Result;
        var fixedWindows = Run(12, partitions, wired: true, crossings: false);
        var dynamic = Run(12, partitions, wired: true, crossings: true);
        Assert.True(one.Events > 2_000, $"only {one.Events} events: the model should be busy");
        for (int i = 0; i < one.Seen.Count; i++) Assert.Equal(one.Seen[i], dynamic.Result.Seen[i]);
        Assert.Equal(one.Events, dynamic.Result.Events);
        Assert.Equal(one.Fingerprint, dynamic.Result.Fingerprint);
        Assert.Equal(one.Fingerprint, fixedWindows.Result.Fingerprint);
        Assert.True(dynamic.Windows * 3 < fixedWindows.Windows * 2, $"{dynamic.Windows} windows with the wires' backlog, {fixedWindows.Windows} without");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void A_split_run_processes_every_node_s_events_in_the_sequential_order(int partitions)
    {
        var one = Run(12, 1);
        var split = Run(12, partitions);
        Assert.True(one.Events > 2_000, $"only {one.Events} events: the model should be busy");
        for (int i = 0; i < one.Seen.Count; i++) Assert.Equal(one.Seen[i], split.Seen[i]);
        Assert.Equal(one.Events, split.Events);
        Assert.Equal(one.Now, split.Now);
        Assert.Equal(one.Fingerprint, split.Fingerprint);
    }

    /// <summary>
    /// A run in steps shorter than the lookahead (as a warm-up's end or a sampler cuts a run): the events a window
    /// staged for the next are pulled by their partition when the next window starts, so between steps they must
    /// still count as pending, and the run must stay the sequential one.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void A_run_in_short_steps_keeps_staged_events_pending_between_steps(int partitions)
    {
        static (List<int> Pending, ulong Fingerprint, long Events) Stepped(int partitions)
        {
            const int Nodes = 12;
            var sim = new Simulator();
            var all = new NodeModel[Nodes];
            for (int i = 0; i < Nodes; i++) all[i] = new NodeModel(i, sim, all, budget: 200);
            for (int i = 0; i < Nodes; i++) sim.ScheduleAtPicoseconds(Grid * (i % 3), all[i], 0, i, null, i);
            if (partitions > 1) sim.Split(new Partitioning([.. Enumerable.Range(0, Nodes).Select(i => i * partitions / Nodes)], partitions, Lookahead));
            var pending = new List<int>();
            try
            {
                for (long t = Grid; t <= Grid * 120; t += 3 * Grid / 2)
                {
                    sim.RunUntil(new SimTime(t));
                    pending.Add(sim.PendingEvents);
                }
            }
            finally
            {
                sim.EndSplit();
            }
            return (pending, sim.Fingerprint, sim.EventsProcessed);
        }

        var one = Stepped(1);
        var split = Stepped(partitions);
        Assert.Contains(one.Pending, n => n > 0);
        Assert.Equal(one.Pending, split.Pending);
        Assert.Equal(one.Events, split.Events);
        Assert.Equal(one.Fingerprint, split.Fingerprint);
    }

    [Fact]
    public void The_model_has_ties_across_nodes_that_the_merge_must_order()
    {
        var one = Run(12, 1);
        var times = one.Seen.SelectMany((s, node) => s.Select(e => (e.Item1, node))).GroupBy(e => e.Item1).Count(g => g.Select(e => e.node).Distinct().Count() > 1);
        Assert.True(times > 20, $"only {times} instants with events of several nodes");
    }

    [Fact]
    public void An_event_for_another_partition_inside_the_window_is_refused_with_the_lookahead_named()
    {
        var sim = new Simulator();
        var log = new EventLog();
        var sender = new Relay(sim, log, Lookahead - 1);
        sim.ScheduleAtPicoseconds(0, sender, 1, 0, null, 0);
        sim.Split(new Partitioning([0, 1], 2, Lookahead));
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => sim.Run());
            Assert.Contains("lookahead", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            sim.EndSplit();
        }
    }

    [Fact]
    public void Events_that_name_no_node_belong_to_the_node_that_scheduled_them()
    {
        var sim = new Simulator();
        var log = new EventLog();
        var relay = new Relay(sim, log, 10, inherit: true);
        sim.ScheduleAtPicoseconds(0, relay, 1, 0, null, 1);
        sim.Split(new Partitioning([0, 1], 2, Lookahead));
        try
        {
            sim.Run(); // the relay's event names no node: it stays in partition 1, inside the window
        }
        finally
        {
            sim.EndSplit();
        }
        Assert.Equal(2, sim.EventsProcessed);
    }

    [Fact]
    public void A_split_pool_numbers_packets_uniquely_and_adds_up_its_ledger()
    {
        var pool = new PacketPool();
        var first = pool.Rent();
        pool.UsePartitions(2);
        var ids = new HashSet<long> { first.Id };
        for (int i = 0; i < 10; i++) Assert.True(ids.Add(pool.Rent().Id));
        pool.Deliver(first);
        Assert.Equal(11, pool.Rented);
        Assert.Equal(1, pool.Delivered);
        Assert.Equal(10, pool.Outstanding);
    }

    /// <summary>Sends one event <paramref name="delay"/> on to node 1 (or, inheriting, to its own node).</summary>
    private sealed class Relay(Simulator sim, EventLog log, long delay, bool inherit = false) : IEventTarget
    {
        public void OnEvent(in SimEvent ev)
        {
            if (ev.Kind != 1) return;
            if (inherit) sim.Schedule(new SimTime(delay), this, 2);
            else sim.Schedule(new SimTime(delay), log, 2, 0, null, 1);
        }
    }
}
