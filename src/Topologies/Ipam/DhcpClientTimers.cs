using NetSim.Engine.Core;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The CNI dhcp daemon's client timing (containernetworking/plugins plugins/ipam/dhcp, main.go daemon flags and lease.go
/// constants, and the nclient4 client it uses): each send waits <see cref="Timeout"/> (-timeout, 10 s), doubled on
/// each of nclient4's 3 tries (DefaultRetries), so one unanswered DISCOVER or REQUEST gives up after 10 + 20 + 40 s;
/// a failed try is retried after 2 s (resendFastDelay) four times (resendFastMax), then after 4 s (resendDelay0) doubled
/// while below <see cref="ResendMax"/> (-resendmax, 62 s), each wait +/- 1 s of jitter; the whole acquisition or
/// renewal gives up after <see cref="ResendTimeout"/> (-resendtimeout, 208 s) with "no more tries". A lease without
/// options 58/59 renews at half its time and rebinds at 85 % (lease.go commit).
/// </summary>
public sealed record DhcpClientTimers(SimTime Timeout, SimTime ResendMax, SimTime ResendTimeout)
{
    public static readonly DhcpClientTimers Default = new(SimTime.FromSeconds(10), SimTime.FromSeconds(62), SimTime.FromSeconds(208));

    /// <summary>nclient4 DefaultRetries: sends of one message before SendAndRead gives up.</summary>
    public const int Tries = 3;
    /// <summary>lease.go resendFastMax and resendFastDelay: the first retries, without backoff.</summary>
    public const int FastRetries = 4;
    public static readonly SimTime FastDelay = SimTime.FromSeconds(2);
    /// <summary>lease.go resendDelay0: the first backoff delay, doubled after each wait while below ResendMax.</summary>
    public static readonly SimTime Delay0 = SimTime.FromSeconds(4);
    /// <summary>lease.go jitter(time.Second): every retry wait is moved by up to a second either way.</summary>
    public static readonly SimTime Jitter = SimTime.FromSeconds(1);
}
