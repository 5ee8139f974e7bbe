using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// Weave Net's router in sleeve mode (weaveworks/weave router/sleeve.go): the weaver process encapsulates the frames
/// it captured from the weave bridge in UDP datagrams to the peer's port 6783, and injects the frames it reads from
/// its UDP socket back into the bridge. Every frame crosses from the kernel into the process and back on each node.
/// <para>Transmit (<see cref="SendRound"/>): the capture thread takes a frame (the kernel copied it into the capture
/// queue in softirq), does the router's work on it (<c>weave.router_frame</c>), then, as the forwarder goroutine does,
/// appends further frames for the same peer already waiting, up to 100 a round while the datagram stays within the
/// underlay MTU less IP and UDP (aggregateAndSend, fits); with a password it seals the datagram (<c>nacl.secretbox</c>),
/// and sends it with one system call (<c>socket.syscall</c>, <c>socket.copy</c> per byte, <c>udp.transmit</c>)
/// through the host's ip_local_out. The frames after the first ride in the same datagram: their bytes are in its
/// <see cref="WeaveSleeveHeader"/>, the frames themselves are held here until the peer's router reads the datagram.</para>
/// <para>Receive (<see cref="ReceiveRound"/>): udp_rcv queues the datagram on the socket (<c>udp.receive</c>), the reader
/// thread reads it (<c>socket.syscall</c>, <c>socket.copy</c>), opens it (<c>nacl.secretbox</c>), and for each frame does
/// the router's work and injects it (<see cref="InjectCostPs"/>: a send on the capture device's socket, or an OVS execute).</para>
/// A thread that had blocked pays <c>sched.context_switch</c> when a frame wakes it.
/// </summary>
public sealed class WeaveSleeveRouter
{
    /// <summary>The router's port: TCP for the control plane, UDP for sleeve (--port, default 6783).</summary>
    public const ushort Port = 6783;
    /// <summary>aggregateAndSend gives up after this many frames a round, not to starve the forwarder's other work.</summary>
    public const int MaxFramesPerRound = 100;
    /// <summary>sleeve.go's UDPOverhead: outer IPv4 (20) + UDP (8).</summary>
    public const int UdpOverhead = 28;
    /// <summary>weaver --bufsz default: the capture buffer, 8 MiB.</summary>
    public const int CaptureBufferBytes = 8 * 1024 * 1024;
    /// <summary>net.core.rmem_default: the UDP socket's receive buffer (weaver does not set SO_RCVBUF).</summary>
    public const int SocketBufferBytes = 212_992;

    private readonly Dictionary<MacAddress, WeaveSleeveRouter> _peerOf = new();
    private readonly Dictionary<Ipv4Address, WeaveSleeveRouter> _peerAt = new();
    private readonly Dictionary<Ipv4Address, MacAddress> _neighbours = new();
    private readonly Dictionary<long, Packet[]> _riding = new();
    private readonly Dictionary<long, int> _ridingCount = new();
    private readonly Stack<Packet[]> _spare = new();
    private readonly Packet[] _round = new Packet[MaxFramesPerRound];
    private long _nextBatch;

    /// <param name="inject">Where injected frames go: the capture device's transmit (pcap) or the datapath port's (OVS execute).</param>
    /// <param name="ovsExecute">Frames come from datapath flow misses and go back with an OVS execute (its flow key and actions, <c>ovs.process</c>), not through pcap.</param>
    public WeaveSleeveRouter(NetworkNamespace host, Ipv4Address local, int underlayMtu, bool nacl, PacketElement inject, bool ovsExecute = false)
    {
        Namespace = host;
        LocalAddress = local;
        MaxPayload = underlayMtu - UdpOverhead;
        Encrypted = nacl;
        Inject = inject;
        OvsExecute = ovsExecute;
        Transmitter = new WeaveRouterThread(this, "weaver/sleeve-tx", transmit: true, CaptureBufferBytes);
        Receiver = new WeaveRouterThread(this, "weaver/sleeve-rx", transmit: false, SocketBufferBytes);
        Socket = new WeaveSleeveSocket(this);
        Capture = new WeaveCapture(this, ovsExecute ? "datapath/ovs_dp_upcall" : "vethwe-pcap/tpacket_rcv", upcall: ovsExecute);
        host.RegisterUdpTunnel(Port, Socket);
    }

    public NetworkNamespace Namespace { get; }
    public Ipv4Address LocalAddress { get; }
    /// <summary>sleeveForwarder.maxPayload after PMTU verification: the underlay MTU less outer IP and UDP.</summary>
    public int MaxPayload { get; }
    /// <summary>A password is set: datagrams are sealed with NaCl secretbox.</summary>
    public bool Encrypted { get; }
    public PacketElement Inject { get; }
    public bool OvsExecute { get; }
    internal WeaveRouterThread Transmitter { get; }
    internal WeaveRouterThread Receiver { get; }
    internal WeaveSleeveSocket Socket { get; }
    internal WeaveCapture Capture { get; }
    public long Datagrams { get; private set; }
    public long FramesSent { get; private set; }
    public long FramesInjected { get; private set; }
    public long Wakeups => Transmitter.Wakeups + Receiver.Wakeups;

    /// <summary>Bytes sleeve adds to a frame sent alone: IP + UDP, the packet header, the frame header (with NaCl, its 24).</summary>
    public static int Overhead(bool nacl) => UdpOverhead + WeaveSleeveHeader.NameSize + WeaveSleeveHeader.FrameOverhead + (nacl ? WeaveSleeveHeader.NaClOverhead : 0);

    /// <summary>The largest IP packet a pod can send through sleeve (sleeveForwarder.mtu): the underlay MTU less the DF overhead and the inner Ethernet header.</summary>
    public static int PathMtu(int underlayMtu, bool nacl) => underlayMtu - Overhead(nacl) - EthernetHeader.Size;

    /// <summary>The router learned that <paramref name="mac"/> lives behind <paramref name="peer"/>.</summary>
    public void AddPeerMac(MacAddress mac, WeaveSleeveRouter peer)
    {
        _peerOf[mac] = peer;
        _peerAt[peer.LocalAddress] = peer;
    }

    /// <summary>Weave answers ARP for an overlay address from what it learned of the peers.</summary>
    public void AddNeighbour(Ipv4Address address, MacAddress mac) => _neighbours[address] = mac;

    internal bool Resolve(Ipv4Address target, out MacAddress mac) => _neighbours.TryGetValue(target, out mac);

    /// <summary>A captured frame, queued for the capture thread; false when the capture buffer is full.</summary>
    internal bool Captured(Packet p, long readyPs) => Transmitter.Enqueue(p, readyPs);

    /// <summary>One round of the capture thread: a frame and those batched with it, sent as one datagram. Returns when the work ends.</summary>
    internal long SendRound(WeaveRouterThread t, long now, bool woken)
    {
        var c = Namespace.Costs;
        Packet first = t.Dequeue();
        if (!_peerOf.TryGetValue(first.Ethernet.Destination, out var peer))
        {
            long end = t.Run(first, (woken ? c.SchedContextSwitch.For(0) : 0) + c.WeaveRouterFrame.For(first.Length), now, null);
            first.Trace?.Add(new HopRecord(end, Namespace.Node.Name, t.Name, "drop: no peer for the destination MAC", 0, 0, 0));
            Namespace.Node.Pool.Drop(first, DropReason.NoForwardingEntry);
            return end;
        }
        int bytes = WeaveSleeveHeader.NameSize + (Encrypted ? WeaveSleeveHeader.NaClOverhead : 0) + WeaveSleeveHeader.FrameOverhead + first.Length;
        if (bytes > MaxPayload)
        {
            // A DF frame above the sleeve MTU: Weave answers with ICMP fragmentation-needed (not modelled) and drops it.
            long end = t.Run(first, (woken ? c.SchedContextSwitch.For(0) : 0) + c.WeaveRouterFrame.For(first.Length), now, null);
            first.Trace?.Add(new HopRecord(end, Namespace.Node.Name, t.Name, "drop: frame above the sleeve MTU", 0, 0, 0));
            Namespace.Node.Pool.Drop(first, DropReason.MtuExceeded);
            return end;
        }
        long work = (woken ? c.SchedContextSwitch.For(0) : 0) + c.WeaveRouterFrame.For(first.Length);
        int n = 0;
        while (n + 1 < MaxFramesPerRound && t.PeekReady(now) is { } next && _peerOf.GetValueOrDefault(next.Ethernet.Destination) == peer
               && bytes + WeaveSleeveHeader.FrameOverhead + next.Length <= MaxPayload)
        {
            Packet rider = t.Dequeue();
            _round[n++] = rider;
            bytes += WeaveSleeveHeader.FrameOverhead + rider.Length;
            work += c.WeaveRouterFrame.For(rider.Length);
        }
        if (Encrypted) work += c.NaclSecretbox.For(bytes);
        work += c.SocketSyscall.For(0) + c.SocketCopy.For(bytes) + c.UdpTransmit.For(bytes + UdpOverhead);
        long batch = ++_nextBatch;
        if (n > 0) Hold(batch, n);
        bool df = first.IndexOfOuter(HeaderKind.Ipv4) >= 0 && first.Ipv4.DontFragment;
        int innerLength = first.Length;
        ref WeaveSleeveHeader h = ref first.PushWeaveSleeve();
        h.Length = bytes - innerLength;
        h.Frames = n + 1;
        h.Batch = batch;
        ref UdpHeader udp = ref first.PushUdp();
        udp.SourcePort = Port;
        udp.DestinationPort = Port;
        ref Ipv4Header ip = ref first.PushIpv4();
        ip.Source = LocalAddress;
        ip.Destination = peer.LocalAddress;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = Ipv4Header.DefaultTtl;
        ip.DontFragment = df; // DF frames go through udpSenderDF's raw socket with DF set
        DatapathElement.Scrub(first, crossNamespace: false);
        long done = t.Run(first, work, now, first.Trace is null ? null : $"sleeve: {n + 1} frame(s), {bytes} B{(Encrypted ? " sealed" : "")} → {peer.LocalAddress}:{Port}");
        Datagrams++;
        FramesSent += n + 1;
        t.Deliver(first, done, Namespace.LocalOut);
        return done;
    }

    /// <summary>One round of the reader thread: a datagram read, opened, and each of its frames injected.</summary>
    internal long ReceiveRound(WeaveRouterThread t, long now, bool woken)
    {
        var c = Namespace.Costs;
        Packet p = t.Dequeue();
        int bytes = p.Ipv4Length - UdpOverhead;
        ref WeaveSleeveHeader h = ref p.Layer(p.LayerCount - 3).WeaveSleeve;
        long batch = h.Batch;
        int frames = h.Frames;
        Ipv4Address from = p.Ipv4.Source;
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Udp);
        p.Pop(HeaderKind.WeaveSleeve);
        long work = (woken ? c.SchedContextSwitch.For(0) : 0) + c.SocketSyscall.For(0) + c.SocketCopy.For(bytes)
                    + (Encrypted ? c.NaclSecretbox.For(bytes) : 0) + FrameIn(p.Length);
        long done = t.Run(p, work, now, p.Trace is null ? null : $"sleeve: read {bytes} B from {from}{(Encrypted ? ", opened" : "")}, inject → {Inject.Name}");
        FramesInjected++;
        t.Deliver(p, done, Inject);
        if (frames > 1 && SenderOf(from) is { } sender && sender.Claim(batch, out var riders, out int n))
        {
            for (int i = 0; i < n; i++)
            {
                Packet r = riders[i];
                riders[i] = null!;
                done = t.Run(r, FrameIn(r.Length), now, r.Trace is null ? null : $"sleeve: frame {i + 2} of the datagram, inject → {Inject.Name}");
                FramesInjected++;
                t.Deliver(r, done, Inject);
            }
            sender._spare.Push(riders);
        }
        return done;
    }

    /// <summary>The router's work on one received frame and its injection: a send on the capture socket (pcap_inject) or an OVS execute over netlink.</summary>
    private long FrameIn(int length)
    {
        var c = Namespace.Costs;
        long ps = c.WeaveRouterFrame.For(length) + c.SocketSyscall.For(0) + c.SocketCopy.For(length);
        return OvsExecute ? ps + c.OvsProcess.For(length) : ps;
    }

    private WeaveSleeveRouter? SenderOf(Ipv4Address address) => _peerAt.GetValueOrDefault(address);

    /// <summary>A datagram was dropped before the reader took it (its socket was full): the frames riding in it go with it.</summary>
    internal void DropRiders(Packet datagram, DropReason reason)
    {
        int at = datagram.LayerCount - 3;
        if (at < 0 || datagram.Layer(at).Kind != HeaderKind.WeaveSleeve || datagram.Layer(at).WeaveSleeve.Frames <= 1) return;
        if (SenderOf(datagram.Ipv4.Source) is not { } sender || !sender.Claim(datagram.Layer(at).WeaveSleeve.Batch, out var riders, out int n)) return;
        for (int i = 0; i < n; i++)
        {
            Namespace.Node.Pool.Drop(riders[i], reason);
            riders[i] = null!;
        }
        sender._spare.Push(riders);
    }

    /// <summary>The frames batched behind the first wait here, in the datagram, until the peer reads it.</summary>
    private void Hold(long batch, int n)
    {
        var riders = _spare.Count > 0 ? _spare.Pop() : new Packet[MaxFramesPerRound];
        Array.Copy(_round, riders, n);
        Array.Clear(_round, 0, n);
        _riding[batch] = riders;
        _ridingCount[batch] = n;
        RidingFrames += n;
    }

    private bool Claim(long batch, out Packet[] riders, out int n)
    {
        if (!_riding.Remove(batch, out riders!) || !_ridingCount.Remove(batch, out n))
        {
            n = 0;
            return false;
        }
        RidingFrames -= n;
        return true;
    }

    /// <summary>Frames riding in datagrams not yet read by the peer (they are in flight with their datagram).</summary>
    internal int RidingFrames { get; private set; }
}
