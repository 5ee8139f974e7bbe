namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// The application thread's wakeups: softirq makes data, a FIN or the end of the handshake ready for a thread
/// blocked in recv() or connect() (sk_data_ready, sk_state_change → try_to_wake_up), and the thread runs only after
/// its wakeup latency (the node's draw: the scheduler's part and, on an idle core, the idle state's exit). Data
/// arriving meanwhile waits in the socket and is read by the same recv(). With an exact profile the latency is zero
/// and the thread runs at once, as before.
/// </summary>
public sealed partial class TcpSocket
{
    private const long WokenFromConnect = 1;

    /// <summary>A wakeup is under way: the thread has been woken and is not running yet.</summary>
    private bool _wakePending;

    /// <summary>sk_data_ready: something to read; a reader blocked in recv() is woken (nothing happens while it reads).</summary>
    private void WakeReader()
    {
        if (_readInProgress || _wakePending || _handler is null) return;
        if (Math.Min(_rcvQueued, Options.ReadSizeBytes) == 0 && !(_finReceived && !_peerClosedDelivered)) return;
        if (!Wake(0)) ScheduleRead();
    }

    /// <summary>The handshake completed: connect() returns to the application after its thread's wakeup.</summary>
    private void WakeConnecter()
    {
        if (!Wake(WokenFromConnect)) _handler?.OnConnected(this);
    }

    /// <summary>Schedules the blocked thread's run after its wakeup latency; false when that latency is zero (run it now).</summary>
    private bool Wake(long from)
    {
        long now = _sim.NowPicoseconds;
        long delay = _stack.Node.Draws.WakeupPs(Core, now);
        if (delay == 0) return false;
        _wakePending = true;
        _sim.ScheduleAtPicoseconds(now + delay, this, TransportEventKinds.ThreadWoken, from, null, _stack.Node.Id);
        return true;
    }

    private void OnThreadWoken(bool fromConnect)
    {
        _wakePending = false;
        if (State == TcpState.Closed) return;
        if (fromConnect)
        {
            _flow.ConnectionSetupPs = _sim.NowPicoseconds - _connectStartPs; // connect() returns now, not when the SYN-ACK came
            _handler?.OnConnected(this);
            if (State == TcpState.Closed) return;
        }
        ScheduleRead();
    }
}
