using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// A listening socket (inet_csk_listen): answers SYNs by creating a connection in SYN_RECEIVED (Linux keeps a
/// request sock; here it is the full socket), and when the handshake completes, accept() returns it to the
/// application after the system-call cost. SYNs beyond the backlog are dropped (ListenOverflows). A thread blocked
/// in accept() (none in progress) runs after its wakeup latency; connections completing meanwhile wait for it.
/// </summary>
public sealed class TcpListener : IEventTarget
{
    private readonly TcpStack _stack;
    private readonly ITcpAcceptHandler _acceptor;
    private readonly Queue<TcpSocket> _waitingForThread = new();
    private int _queued;
    /// <summary>accept() calls booked and not returned yet: while any is, the accepting thread is running.</summary>
    private int _acceptsInProgress;

    internal TcpListener(TcpStack stack, ushort port, ITcpAcceptHandler acceptor, TcpSocketOptions options, int core, int backlog)
    {
        _stack = stack;
        _acceptor = acceptor;
        Port = port;
        Options = options;
        Core = core;
        Backlog = backlog;
    }

    public ushort Port { get; }
    public TcpSocketOptions Options { get; }
    /// <summary>The core of the accepting thread (and of the sockets it accepts, unless each gets its own thread).</summary>
    public int Core { get; }
    /// <summary>
    /// Each accepted connection is served by a thread of its own, placed by the scheduler (netserver forks a
    /// process per connection; iperf3 since 3.16 runs a thread per stream); it exits when the connection closes.
    /// </summary>
    public bool ThreadPerConnection { get; set; }
    public int Backlog { get; }
    public long Accepted { get; private set; }
    /// <summary>Connections in SYN_RECEIVED or waiting for accept().</summary>
    public int Queued => _queued;

    /// <summary>close() on the listening socket: no new connections; established ones continue.</summary>
    public void Close() => _stack.Unlisten(this);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Kind == TransportEventKinds.SynArrival) OnSyn((Packet)ev.Payload!);
        else if (ev.Kind == TransportEventKinds.AcceptComplete) OnAcceptComplete((TcpSocket)ev.Payload!);
        else if (ev.Kind == TransportEventKinds.ThreadWoken) OnThreadWoken();
    }

    private void OnSyn(Packet syn)
    {
        ref Ipv4Header ip = ref syn.Ipv4;
        ref TcpHeader tcp = ref syn.Tcp;
        var key = new ConnectionKey(ip.Destination, Port, ip.Source, tcp.SourcePort);
        if (_queued >= Backlog)
        {
            _stack.Counters.ListenOverflows++;
            _stack.DropSegment(syn, DropReason.QueueFull); // the accept queue is a queue, and it is full
            return;
        }
        if (!_stack.Namespace.TryResolveRoute(ip.Source, out _, out int mtu))
        {
            _stack.DropSegment(syn, DropReason.NoRoute);
            return;
        }
        _stack.ChargeCpu(syn.Core, _stack.Costs.TcpConnect.For(0)); // request sock allocation, SYN-ACK build
        int thread = ThreadPerConnection ? _stack.Node.Cpu.Scheduler.PlaceThread() : Core;
        TcpSocket socket = _stack.CreatePassive(key, Options, _stack.ApplicationCore(thread, syn.Core), mtu);
        if (ThreadPerConnection) socket.OwnsThread = true;
        _queued++;
        socket.AcceptSyn(syn, this, syn.Core);
        _stack.Node.Pool.Deliver(syn);
    }

    /// <summary>
    /// The handshake completed: accept() returns after its system call on the application's core, once a thread
    /// blocked in accept() has woken.
    /// </summary>
    internal void OnEstablished(TcpSocket socket)
    {
        if (_waitingForThread.Count > 0)
        {
            _waitingForThread.Enqueue(socket); // the thread is still waking: it takes this one next
            return;
        }
        var sim = _stack.Node.Sim;
        long delay = _acceptsInProgress == 0 ? _stack.Node.Draws.WakeupPs(Core, sim.NowPicoseconds) : 0;
        if (delay == 0)
        {
            Accept(socket);
            return;
        }
        _waitingForThread.Enqueue(socket);
        sim.ScheduleAtPicoseconds(sim.NowPicoseconds + delay, this, TransportEventKinds.ThreadWoken, 0, null, _stack.Node.Id);
    }

    private void OnThreadWoken()
    {
        while (_waitingForThread.Count > 0) Accept(_waitingForThread.Dequeue());
    }

    private void Accept(TcpSocket socket)
    {
        _acceptsInProgress++;
        long finish = _stack.ChargeCpu(Core, _stack.Costs.Syscall.For(0));
        _stack.Node.Sim.ScheduleAtPicoseconds(finish, this, TransportEventKinds.AcceptComplete, 0, socket, _stack.Node.Id);
    }

    private void OnAcceptComplete(TcpSocket socket)
    {
        _acceptsInProgress--;
        if (!socket.InAcceptQueue) return; // it closed while queued
        _queued--;
        Accepted++;
        socket.OnAccepted(_acceptor.OnAccept(socket));
    }

    /// <summary>A queued connection closed before accept() returned it.</summary>
    internal void Forget() => _queued--;
}
