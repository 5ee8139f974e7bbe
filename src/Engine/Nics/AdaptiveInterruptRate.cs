using NetSim.Engine.Costs;

namespace NetSim.Engine.Nics;

/// <summary>
/// An RX queue's adaptive interrupt moderation as the Intel i40e driver does it (i40e_update_itr, Linux 4.17 and
/// later; the ice driver of Linux 5.x carries the same algorithm). The NIC's ITR is a throttle: an interrupt fires
/// when a frame is ready, but no sooner than one ITR interval after the previous interrupt. Each time NAPI
/// re-enables interrupts the driver re-chooses the interval from the packets and bytes handled since its last
/// choice:
/// <list type="bullet">
/// <item>no choice for over a jiffy (a quiet queue): back to the minimum, in latency mode;</item>
/// <item>1 to 3 packets and under 9,000 bytes: latency mode, an interval from the average frame size, halved;</item>
/// <item>4 to 55 packets: the interval grows by one step (2 µs);</item>
/// <item>56 to 112: it is about right and stays; 113 to 256: it is halved;</item>
/// <item>over 256: bulk mode, an interval from the average frame size and the link speed.</item>
/// </list>
/// The interval stays within the profile's minimum and maximum (the driver's 2 and 126 µs). The driver also looks at
/// its TX ring's mode; NetSim does not moderate TX completions, so TX is taken to be in latency mode.
/// </summary>
public sealed class AdaptiveInterruptRate
{
    /// <summary>One step of the interval (I40E_ITR_ADAPTIVE_MIN_INC: the hardware's 2 µs granularity).</summary>
    private const long StepPs = 2_000_000;
    /// <summary>A jiffy at CONFIG_HZ=250 (Debian's and Ubuntu's kernels): the driver re-chooses at least this often.</summary>
    private const long JiffyPs = 4_000_000_000;

    private readonly InterruptModeration _limits;
    private readonly long _sizeDivisor;
    private long _packets, _bytes;
    private long _chosenAtPs = long.MinValue / 2;

    /// <param name="linkBitsPerSecond">The link's rate: faster links get shorter intervals for the same frame size.</param>
    public AdaptiveInterruptRate(InterruptModeration limits, long linkBitsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        _sizeDivisor = SizeDivisor(linkBitsPerSecond);
        IntervalPs = limits.MinIntervalPs;
        LatencyMode = true;
        LastInterruptPs = long.MinValue / 2;
    }

    /// <summary>The current minimum gap between interrupts.</summary>
    public long IntervalPs { get; private set; }
    /// <summary>Latency mode (few small packets per interrupt) rather than bulk.</summary>
    public bool LatencyMode { get; private set; }
    public long LastInterruptPs { get; private set; }

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

    /// <summary>NAPI completes and interrupts are re-enabled: choose the next interval (i40e_update_enable_itr).</summary>
    public void Rechoose(long nowPs)
    {
        long packets = _packets, bytes = _bytes;
        _packets = 0;
        _bytes = 0;
        bool stale = nowPs - _chosenAtPs > JiffyPs;
        _chosenAtPs = nowPs;
        if (stale)
        {
            Set(_limits.MinIntervalPs, latency: true);
            return;
        }
        if (packets > 0 && packets < 4 && bytes < 9000)
        {
            Set(BySize(bytes / packets, latency: true), latency: true);
            return;
        }
        if (packets < 56)
        {
            Set(IntervalPs + StepPs, LatencyMode);
            return;
        }
        if (packets <= 256)
        {
            if (packets > 112) Set(Math.Max(_limits.MinIntervalPs, IntervalPs / 2 / StepPs * StepPs), latency: false);
            else LatencyMode = false;
            return;
        }
        Set(BySize(bytes / packets, latency: false), latency: false);
    }

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

    private void Set(long intervalPs, bool latency)
    {
        IntervalPs = Math.Clamp(intervalPs, _limits.MinIntervalPs, _limits.MaxIntervalPs);
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
