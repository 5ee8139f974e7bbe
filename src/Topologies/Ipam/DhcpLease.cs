using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Engine.Randomness;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// One lease the CNI dhcp daemon holds for a container's interface (lease.go DHCPLease), run on the simulated wire.
/// Acquire: DISCOVER, OFFER, REQUEST, ACK through nclient4 (every frame an Ethernet broadcast from 0.0.0.0), retried
/// as <see cref="DhcpClientTimers"/> says. Maintain: at T1 a renewal (a REQUEST with ciaddr, again broadcast: nclient4
/// sends every message to 255.255.255.255 unless told a server address, and the plugin never tells it), retried until
/// it succeeds or fails for good; a failure after T2 turns to rebinding (a new DISCOVER exchange); a rebinding that
/// fails after the lease expired brings the interface down (lease.go downIface), and the daemon stops maintaining it.
/// Stop (CNI DEL): a RELEASE to the server. Each step is written to the run's timeline through <see cref="DhcpWire"/>.
/// </summary>
public sealed class DhcpLease : IEventTarget, IPacketTap
{
    private readonly DhcpWire _wire;
    private readonly DhcpClientTimers _timers;
    private readonly RandomStream _random;
    private readonly Action<string, string> _log;
    private int _generation;
    // The message awaited and what to do with it (null: waiting for nothing).
    private Func<DhcpMessage, bool>? _match;
    private bool _waiting;
    private Action<DhcpMessage>? _onReply;
    private DhcpMessage? _outstanding;
    private int _try;
    private SimTime _timeout;
    private long _deadlinePs;
    private int _fastLeft;
    private SimTime _baseDelay;
    private uint _nextXid;

    public DhcpLease(string clientId, NetDevice link, DhcpWire wire, DhcpClientTimers timers, RandomStream random, Action<string, string> log)
    {
        ClientId = clientId;
        Link = link;
        _wire = wire;
        _timers = timers;
        _random = random;
        _log = log;
        Then = link.Tap;
        link.Tap = this; // nclient4's packet socket on the interface
        _nextXid = (uint)random.NextUInt64();
    }

    /// <summary>The capture that was on the interface before the daemon's socket (tcpdump), still fed every frame.</summary>
    public IPacketTap? Then { get; set; }

    public string ClientId { get; }
    public NetDevice Link { get; }
    /// <summary>The last ACK (null before the first).</summary>
    public DhcpMessage? Ack { get; private set; }
    public long RenewalPs { get; private set; }
    public long RebindingPs { get; private set; }
    public long ExpirePs { get; private set; }
    /// <summary>Why the last acquisition failed (the daemon's error), or null.</summary>
    public string? Error { get; private set; }
    public bool Expired { get; private set; }
    public bool Stopped { get; private set; }

    private Simulator Sim => Link.Node.Sim;
    private long Now => Sim.NowPicoseconds;

    /// <summary>AcquireLease: the four-message exchange; <paramref name="done"/> runs when it succeeded or gave up (see <see cref="Error"/>).</summary>
    public void Acquire(Action done) => Exchange(renew: false, ack =>
    {
        Commit(ack);
        _log("dhcp_lease_acquired", $"DHCPACK {ack.YourAddress}/{ack.PrefixLength} from {ack.ServerId}, lease {ack.LeaseTime}: renewal (T1) at {At(RenewalPs)}, rebinding (T2) at {At(RebindingPs)}, expiry at {At(ExpirePs)}");
        done();
        Maintain();
    }, error =>
    {
        Error = error;
        done();
    });

    /// <summary>A lease acquired before the run (the cluster's first pods): its ACK is the server's, its times start at 0.</summary>
    public void Adopt(DhcpMessage ack)
    {
        Commit(ack);
        Maintain();
    }

    /// <summary>Stop (CNI DEL): no more renewals; a bound lease is released with a DHCPRELEASE to its server.</summary>
    public void Stop()
    {
        if (Stopped) return;
        Stopped = true;
        _generation++;
        _waiting = false;
        if (Ack is { ServerId: { } server } ack && !Expired)
        {
            _wire.SendFromClient(Link, new DhcpMessage(DhcpMessageType.Release, NextXid(), Link.Mac, ClientId) { ClientAddress = ack.YourAddress, ServerId = server }, server);
            _log("dhcp_lease_released", $"DHCPRELEASE of {ack.YourAddress} to {server}");
        }
        if (ReferenceEquals(Link.Tap, this)) Link.Tap = Then;
    }

    /// <summary>commit: lease time (51, default 1 h), T1 (58, default half) and T2 (59, default 85 %) from now.</summary>
    private void Commit(DhcpMessage ack)
    {
        Ack = ack;
        long lease = ack.LeaseTime > SimTime.Zero ? ack.LeaseTime.Picoseconds : SimTime.FromSeconds(3600).Picoseconds;
        long t2 = ack.RebindingTime > SimTime.Zero ? ack.RebindingTime.Picoseconds : lease * 85 / 100;
        long t1 = ack.RenewalTime > SimTime.Zero ? ack.RenewalTime.Picoseconds : lease / 2;
        ExpirePs = Now + lease;
        RenewalPs = Now + t1;
        RebindingPs = Now + t2;
    }

    /// <summary>maintain, state bound: sleep until T1, then renew.</summary>
    private void Maintain() => After(RenewalPs - Now, Renew);

    /// <summary>maintain, state renewing: renew; on failure rebind once past T2, else renew again at once.</summary>
    private void Renew() => Exchange(renew: true, ack =>
    {
        Commit(ack);
        _log("dhcp_lease_renewed", $"renewed {ack.YourAddress}: DHCPACK from {ack.ServerId}, next renewal at {At(RenewalPs)}, expiry at {At(ExpirePs)}");
        Maintain();
    }, error =>
    {
        if (Now > RebindingPs)
        {
            _log("dhcp_rebinding", $"renewal failed ({error}) past T2 ({At(RebindingPs)}): rebinding with a new DISCOVER");
            Rebind();
        }
        else Renew();
    });

    /// <summary>maintain, state rebinding: acquire again; a failure after expiry brings the interface down for good.</summary>
    private void Rebind() => Exchange(renew: false, ack =>
    {
        Commit(ack);
        _log("dhcp_lease_renewed", $"rebound {ack.YourAddress}: DHCPACK from {ack.ServerId}, next renewal at {At(RenewalPs)}, expiry at {At(ExpirePs)}");
        Maintain();
    }, error =>
    {
        if (Now > ExpirePs)
        {
            Expired = true;
            Link.IsUp = false;
            _log("dhcp_lease_expired", $"rebinding failed ({error}) after the lease expired at {At(ExpirePs)}: {Link.Name} set DOWN (lease.go downIface), the daemon stops maintaining it");
            if (ReferenceEquals(Link.Tap, this)) Link.Tap = Then;
        }
        else Rebind();
    });

    /// <summary>backoffRetry over one try (Request or Renew) within ResendTimeout.</summary>
    private void Exchange(bool renew, Action<DhcpMessage> ok, Action<string> failed)
    {
        _deadlinePs = Now + _timers.ResendTimeout.Picoseconds;
        _fastLeft = DhcpClientTimers.FastRetries;
        _baseDelay = DhcpClientTimers.Delay0;
        Attempt(renew, ok, failed);
    }

    private void Attempt(bool renew, Action<DhcpMessage> ok, Action<string> failed)
    {
        void Retry() => Backoff(() => Attempt(renew, ok, failed), failed);
        if (renew)
        {
            var ack = Ack!;
            var request = new DhcpMessage(DhcpMessageType.Request, NextXid(), Link.Mac, ClientId) { ClientAddress = ack.YourAddress };
            SendAndRead(request, m => m.Type is DhcpMessageType.Ack or DhcpMessageType.Nak && m.ServerId == ack.ServerId,
                reply => { if (reply.Type == DhcpMessageType.Ack) ok(reply); else Retry(); }, Retry, failed);
            return;
        }
        var discover = new DhcpMessage(DhcpMessageType.Discover, NextXid(), Link.Mac, ClientId);
        SendAndRead(discover, m => m.Type == DhcpMessageType.Offer, offer =>
        {
            var request = new DhcpMessage(DhcpMessageType.Request, discover.Xid, Link.Mac, ClientId) { RequestedAddress = offer.YourAddress, ServerId = offer.ServerId };
            SendAndRead(request, m => m.Type is DhcpMessageType.Ack or DhcpMessageType.Nak && m.ServerId == offer.ServerId,
                reply => { if (reply.Type == DhcpMessageType.Ack) ok(reply); else Retry(); }, Retry, failed);
        }, Retry, failed);
    }

    /// <summary>nclient4 SendAndRead: send, wait Timeout (doubled per try) for a match, up to Tries sends; the context's deadline ends it.</summary>
    private void SendAndRead(DhcpMessage m, Func<DhcpMessage, bool> match, Action<DhcpMessage> reply, Action noReply, Action<string> failed)
    {
        _try = 0;
        _timeout = _timers.Timeout;
        _outstanding = m;
        _match = match;
        _waiting = true;
        _onReply = reply;
        Send(m);
        ArmTimeout(noReply, failed);
    }

    private void ArmTimeout(Action noReply, Action<string> failed)
    {
        long wait = Math.Min(_timeout.Picoseconds, _deadlinePs - Now);
        int generation = ++_generation;
        After(wait, () =>
        {
            if (generation != _generation || Stopped) return;
            if (Now >= _deadlinePs || ++_try >= DhcpClientTimers.Tries)
            {
                _waiting = false;
                if (Now >= _deadlinePs) failed("no more tries");
                else noReply();
                return;
            }
            _timeout = _timeout * 2;
            Send(_outstanding!);
            ArmTimeout(noReply, failed);
        });
    }

    /// <summary>backoffRetry's wait after a failed try: 2 s four times, then 4 s doubling below ResendMax, +/- 1 s; the deadline may end it.</summary>
    private void Backoff(Action again, Action<string> failed)
    {
        bool fast = _fastLeft > 0;
        var delay = fast ? DhcpClientTimers.FastDelay : _baseDelay;
        if (fast) _fastLeft--;
        long sleep = delay.Picoseconds + (long)(DhcpClientTimers.Jitter.Picoseconds * (2.0 * _random.NextDouble() - 1.0));
        int generation = ++_generation;
        if (Now + sleep >= _deadlinePs)
        {
            After(_deadlinePs - Now, () => { if (generation == _generation && !Stopped) failed("no more tries"); });
            return;
        }
        After(sleep, () =>
        {
            if (generation != _generation || Stopped) return;
            if (_baseDelay < _timers.ResendMax && _fastLeft == 0) _baseDelay = _baseDelay * 2;
            again();
        });
    }

    private void Send(DhcpMessage m) => _wire.SendFromClient(Link, m, Ipv4Address.Broadcast);

    private uint NextXid() => _nextXid++;

    /// <summary>The packet socket sees every frame on the interface; a reply for this client wakes the daemon's thread.</summary>
    void IPacketTap.Capture(Packet packet, long timePs)
    {
        Then?.Capture(packet, timePs);
        if (!_waiting || _wire.ForClient(packet) is not { } m || m.ClientMac != Link.Mac || m.Xid != _outstanding?.Xid || !_match!(m)) return;
        _waiting = false;
        _generation++; // the pending timeout no longer applies
        var reply = _onReply!;
        After(0, () => reply(m));
    }

    private void After(long delayPs, Action run) => Sim.Schedule(SimTime.FromPicoseconds(Math.Max(0, delayPs)), this, EventKinds.ControlPlane, 0, run);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Payload is Action run) run();
    }

    private static string At(long ps) => SimTime.FromPicoseconds(ps).ToString();
}
