using NetSim.Engine.Costs;

namespace NetSim.Engine.Nics;

/// <summary>
/// An RX queue's adaptive interrupt moderation as the Intel i40e driver does it (i40e_update_itr and
/// i40e_update_enable_itr, Linux 4.17 and later; the ice driver of Linux 5.10 carries the same algorithm in
/// ice_update_itr). The NIC's ITR is a throttle: an interrupt fires when a frame is ready, but no sooner than one
/// ITR interval after the previous interrupt. Each time NAPI re-enables interrupts the driver picks a target interval
/// from the packets and bytes handled since its last pick:
/// <list type="bullet">
/// <item>no pick for over a jiffy (a quiet queue): back to the minimum, in latency mode;</item>
/// <item>within 3 interrupts of a change the counts are thrown away and the target kept (itr_countdown: writing
/// the register fires an early interrupt that would skew them);</item>
/// <item>1 to 3 packets and under 9,000 bytes: latency mode, an interval from the average frame size, halved;</item>
/// <item>4 to 55 packets: the target grows by one step (2 µs);</item>
/// <item>56 to 112: the current interval is about right and stays; 113 to 256: it is halved;</item>
/// <item>over 256: bulk mode, an interval from the average frame size and the link speed.</item>
/// </list>
/// A target that differs from the programmed interval is programmed at once and restarts the countdown. The interval
/// stays within the profile's minimum and maximum (the driver's 2 and 126 µs). The driver also looks at its TX
/// ring's mode; NetSim does not moderate TX completions, so TX is taken to be in latency mode.
/// <para>ixgbe (<see cref="ModerationAlgorithm.IxgbeItr"/>, ixgbe_update_itr in drivers/net/ethernet/intel/ixgbe/ixgbe_main.c,
/// Linux 4.16 and later) runs the same scheme with its own thresholds (4 / 48 / 96 / 256 packets), frame-size table and
/// limits (IXGBE_ITR_ADAPTIVE_MIN_USECS 10, MAX 126) and no countdown; it programs the smaller of its RX and TX
/// intervals, and NetSim, not moderating TX, takes the RX one.</para>
/// <para>With 4 to 55 frames per interrupt the interval grows a step at each interrupt whatever the rate, so a
/// request/response exchange whose response is 4 or more frames (an 8 KiB response at MTU 1500) climbs to the
/// maximum: each interrupt then waits up to 126 µs after the previous one.</para>
/// </summary>
public sealed class AdaptiveInterruptRate : IInterruptModerator
{
    /// <summary>One step of the interval (I40E_ITR_ADAPTIVE_MIN_INC: the hardware's 2 µs granularity).</summary>
    private const long StepPs = 2_000_000;
    /// <summary>A jiffy at CONFIG_HZ=250 (Debian's and Ubuntu's kernels): the driver re-chooses at least this often.</summary>
    private const long JiffyPs = 4_000_000_000;
    /// <summary>Interrupts whose counts are ignored after the interval changes (ITR_COUNTDOWN_START).</summary>
    private const int CountdownStart = 3;

    private readonly InterruptModeration _limits;
    private readonly bool _ixgbe;
    private readonly long _sizeDivisor;
    private long _packets, _bytes;
    private long _targetPs;
    private int _countdown;
    private long _chosenAtPs = long.MinValue / 2;

    /// <param name="linkBitsPerSecond">The link's rate: faster links get shorter intervals for the same frame size.</param>
    public AdaptiveInterruptRate(InterruptModeration limits, long linkBitsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        _ixgbe = limits.Algorithm == ModerationAlgorithm.IxgbeItr;
        _sizeDivisor = _ixgbe ? IxgbeSizeDivisor(linkBitsPerSecond) : SizeDivisor(linkBitsPerSecond);
        IntervalPs = limits.MinIntervalPs;
        _targetPs = IntervalPs;
        LatencyMode = true;
        LastInterruptPs = long.MinValue / 2;
    }

    /// <summary>The programmed minimum gap between interrupts.</summary>
    public long IntervalPs { get; private set; }
    /// <summary>Latency mode (few small packets per interrupt) rather than bulk.</summary>
    public bool LatencyMode { get; private set; }
    public long LastInterruptPs { get; private set; }

    long IInterruptModerator.Arm(long readyPs) => Interrupt(readyPs);

    /// <summary>The ITR is a throttle from the last interrupt: later frames do not move a planned one.</summary>
    long IInterruptModerator.FrameWhileArmed(long deadlinePs, long readyPs, int framesSinceArm) => deadlinePs;

    void IInterruptModerator.Fired() { }

    void IInterruptModerator.Complete(long nowPs) => Rechoose(nowPs);

    /// <summary>When an interrupt for a frame ready at <paramref name="readyPs"/> fires; it is booked as the last interrupt.</summary>
    public long Interrupt(long readyPs)
    {
        long at = Math.Max(readyPs, LastInterruptPs + IntervalPs);
        LastInterruptPs = at;
        return at;
    }

    /// <summary>A frame handled by a poll (the ring container's total_packets and total_bytes).</summary>
    public void Count(int frameBytes)
    {
        _packets++;
        _bytes += frameBytes;
    }

    /// <summary>NAPI completes and interrupts are re-enabled: pick a target and program it (i40e_update_enable_itr).</summary>
    public void Rechoose(long nowPs)
    {
        PickTarget(nowPs);
        _packets = 0;
        _bytes = 0;
        _chosenAtPs = nowPs;
        if (_targetPs != IntervalPs)
        {
            IntervalPs = _targetPs;
            _countdown = CountdownStart;
        }
        else if (_countdown > 0)
        {
            _countdown--;
        }
    }

    /// <summary>i40e_update_itr for the RX ring: the next target interval and mode.</summary>
    private void PickTarget(long nowPs)
    {
        long packets = _packets, bytes = _bytes;
        if (nowPs - _chosenAtPs > JiffyPs)
        {
            Target(_limits.MinIntervalPs, latency: true);
            return;
        }
        if (_ixgbe)
        {
            PickIxgbe(packets, bytes);
            return;
        }
        if (_countdown > 0) return; // the target stands; these counts are thrown away
        if (packets > 0 && packets < 4 && bytes < 9000)
        {
            Target(BySize(bytes / packets, latency: true), latency: true);
            return;
        }
        if (packets < 56)
        {
            Target(_targetPs + StepPs, LatencyMode);
            return;
        }
        if (packets <= 256)
        {
            Target(packets > 112 ? IntervalPs / 2 / StepPs * StepPs : IntervalPs, latency: false);
            return;
        }
        Target(BySize(bytes / packets, latency: false), latency: false);
    }

    /// <summary>
    /// ixgbe_update_itr: no countdown; an empty ring or 4-47 packets grow the interval by a step, 48-95 keep it, 96-255
    /// halve it, fewer than 4 packets under 9,000 bytes are latency mode and 256 or more bulk, both from the frame size.
    /// </summary>
    private void PickIxgbe(long packets, long bytes)
    {
        if (packets == 0 || ((packets >= 4 || bytes >= 9000) && packets < 48))
        {
            Target(IntervalPs + StepPs, LatencyMode);
            return;
        }
        if (packets < 4)
        {
            Target(IxgbeBySize(bytes / packets, latency: true), latency: true);
            return;
        }
        if (packets < 256)
        {
            Target(packets < 96 ? IntervalPs : IntervalPs / 2, latency: false);
            return;
        }
        Target(IxgbeBySize(bytes / packets, latency: false), latency: false);
    }

    /// <summary>ixgbe's frame-size table: 50 K interrupts/s for the smallest frames down to 8 K/s from ~2 KB, halved in latency mode.</summary>
    private long IxgbeBySize(long averageBytes, bool latency)
    {
        long score = averageBytes switch
        {
            <= 60 => 5120,
            <= 316 => (averageBytes * 40) + 2720,
            <= 1084 => (averageBytes * 15) + 11452,
            < 1968 => (averageBytes * 5) + 22420,
            _ => 32256,
        };
        if (latency) score /= 2;
        if (_sizeDivisor == 128) score = Math.Min(score, 8064); // 1 G and 2.5 G links
        return (score + _sizeDivisor - 1) / _sizeDivisor * StepPs;
    }

    /// <summary>ixgbe's divisor: 512 at 10 G (IXGBE_ITR_ADAPTIVE_MIN_INC × 256), 128 at 1 G and 2.5 G.</summary>
    private static long IxgbeSizeDivisor(long bitsPerSecond) => bitsPerSecond >= 10_000_000_000 ? 512 : 128;

    /// <summary>
    /// The driver's approximation of the interval that lets a socket's default buffer fill once per interrupt at
    /// line rate, for an average frame of <paramref name="averageBytes"/>: a piecewise-linear score of the frame size
    /// (250 K interrupts/s for the smallest frames down to 30 K/s from ~2 KB), halved in latency mode, divided by the
    /// link speed's divisor and rounded up to whole 2 µs steps.
    /// </summary>
    private long BySize(long averageBytes, bool latency)
    {
        long score = averageBytes switch
        {
            <= 60 => 4096,
            <= 380 => (averageBytes * 40) + 1696,
            <= 1084 => (averageBytes * 15) + 11452,
            <= 1980 => (averageBytes * 5) + 22420,
            _ => 32256,
        };
        if (latency) score /= 2;
        return (score + _sizeDivisor - 1) / _sizeDivisor * StepPs;
    }

    private void Target(long intervalPs, bool latency)
    {
        _targetPs = Math.Clamp(intervalPs, _limits.MinIntervalPs, _limits.MaxIntervalPs);
        LatencyMode = latency;
    }

    /// <summary>i40e_itr_divisor: the score per 2 µs step at the link's speed (40 G: 2048, 25/20 G: 1024, 10 G: 512, slower: 64).</summary>
    private static long SizeDivisor(long bitsPerSecond) => bitsPerSecond switch
    {
        >= 40_000_000_000 => 2048,
        >= 20_000_000_000 => 1024,
        >= 10_000_000_000 => 512,
        _ => 64,
    };
}
