using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// ip_defrag: holds the fragments of a datagram, keyed by (source, destination, identification, protocol), until
/// all its bytes are present, then hands back the whole datagram — the first fragment (which kept every inner
/// header) with its payload restored; the other fragments are absorbed into it. Fragments may arrive in any order;
/// a duplicate offset is dropped, and a datagram still incomplete after ipfrag_time (30 s) is dropped.
/// Used at local delivery and, when conntrack is active, by nf_defrag_ipv4 at PREROUTING.
/// </summary>
public sealed class IpReassembler : IPacketHolder, IEventTarget
{
    private readonly NodeContext _node;
    private readonly List<FragmentQueue> _queues = new();
    private readonly Stack<FragmentQueue> _free = new();
    private readonly SimTimer _timer;

    public IpReassembler(NodeContext node, string name)
    {
        _node = node;
        Name = name;
        _timer = new SimTimer(node.Sim, this, EventKinds.ControlPlane, node.Id);
        node.Holders.Add(this);
    }

    public string Name { get; }
    /// <summary>net.ipv4.ipfrag_time.</summary>
    public SimTime Timeout { get; set; } = SimTime.FromSeconds(ConntrackTimeouts.IpFragTimeSeconds);
    public long Reassembled { get; private set; }
    public long TimedOut { get; private set; }

    /// <summary>net.ipv4.ipfrag_high_thresh = 4 MiB: fragments beyond this much held data are dropped.</summary>
    public const int HighThreshBytes = 4 * 1024 * 1024;

    public bool Bounded => true;

    /// <summary>Bytes of fragment data held.</summary>
    public long HeldBytes { get; private set; }

    public int HeldPackets
    {
        get
        {
            int n = 0;
            foreach (FragmentQueue q in _queues) n += q.Fragments.Count;
            return n;
        }
    }

    /// <summary>True when the outermost IPv4 header of <paramref name="p"/> is a fragment.</summary>
    public static bool IsFragment(Packet p)
    {
        ref Ipv4Header ip = ref p.Ipv4;
        return ip.MoreFragments || ip.FragmentOffset != 0;
    }

    /// <summary>
    /// Adds a fragment; returns the whole datagram when this completed it, else null: the fragment is held, or —
    /// when <paramref name="duplicate"/> — refused because a fragment at its offset is held already or the held
    /// fragments would pass ipfrag_high_thresh (the caller drops it with <see cref="DropReason.FragmentReassembly"/>).
    /// </summary>
    public Packet? Add(Packet fragment, out bool duplicate)
    {
        ref Ipv4Header ip = ref fragment.Ipv4;
        FragmentQueue q = Find(ip) ?? Open(ip);
        duplicate = false;
        foreach (Packet held in q.Fragments)
        {
            if (held.Ipv4.FragmentOffset != ip.FragmentOffset) continue;
            duplicate = true;
            return null;
        }
        int data = fragment.Ipv4Length - Ipv4Header.Size;
        if (HeldBytes + data > HighThreshBytes)
        {
            duplicate = true; // inet_frag_find refuses new fragments once the memory limit is reached
            if (q.Fragments.Count == 0) Close(q);
            return null;
        }
        HeldBytes += data;
        q.Fragments.Add(fragment);
        q.Received += data;
        if (!ip.MoreFragments) q.Total = ip.FragmentOffset + data;
        if (q.Total < 0 || q.Received < q.Total) return null;
        return Complete(q);
    }

    private Packet? Complete(FragmentQueue q)
    {
        Packet? first = null;
        foreach (Packet f in q.Fragments)
            if (f.Ipv4.FragmentOffset == 0) first = f;
        if (first is null) return null; // bytes add up without a first fragment: overlapping pieces, wait for the timeout
        first.PayloadLength += q.Total - (first.Ipv4Length - Ipv4Header.Size);
        ref Ipv4Header ip = ref first.Ipv4;
        ip.MoreFragments = false;
        foreach (Packet f in q.Fragments)
            if (f != first) _node.Pool.Absorb(f);
        Close(q);
        Reassembled++;
        return first;
    }

    private FragmentQueue? Find(in Ipv4Header ip)
    {
        foreach (FragmentQueue q in _queues)
            if (q.Source == ip.Source.Value && q.Destination == ip.Destination.Value && q.Id == ip.Identification && q.Protocol == ip.Protocol)
                return q;
        return null;
    }

    private FragmentQueue Open(in Ipv4Header ip)
    {
        FragmentQueue q = _free.Count > 0 ? _free.Pop() : new FragmentQueue();
        q.Source = ip.Source.Value;
        q.Destination = ip.Destination.Value;
        q.Id = ip.Identification;
        q.Protocol = ip.Protocol;
        q.Received = 0;
        q.Total = -1;
        q.Deadline = _node.Sim.NowPicoseconds + Timeout.Picoseconds;
        _queues.Add(q);
        if (!_timer.IsArmed || _timer.Deadline.Picoseconds > q.Deadline) _timer.ArmAt(new SimTime(q.Deadline));
        return q;
    }

    private void Close(FragmentQueue q)
    {
        HeldBytes -= q.Received;
        _queues.Remove(q);
        q.Fragments.Clear();
        _free.Push(q);
    }

    /// <summary>ip_expire: drops every datagram whose time is up, then re-arms for the next deadline.</summary>
    void IEventTarget.OnEvent(in SimEvent ev)
    {
        long now = _node.Sim.NowPicoseconds;
        long next = long.MaxValue;
        for (int i = _queues.Count - 1; i >= 0; i--)
        {
            FragmentQueue q = _queues[i];
            if (q.Deadline > now)
            {
                next = Math.Min(next, q.Deadline);
                continue;
            }
            foreach (Packet f in q.Fragments) _node.Pool.Drop(f, DropReason.FragmentReassembly);
            TimedOut++;
            Close(q);
        }
        if (next != long.MaxValue) _timer.ArmAt(new SimTime(next));
    }

    private sealed class FragmentQueue
    {
        public List<Packet> Fragments { get; } = new(4);
        public uint Source;
        public uint Destination;
        public ushort Id;
        public byte Protocol;
        public int Received;
        public int Total;
        public long Deadline;
    }
}
