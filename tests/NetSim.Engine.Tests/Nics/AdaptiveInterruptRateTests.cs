using NetSim.Engine.Costs;
using NetSim.Engine.Nics;

namespace NetSim.Engine.Tests.Nics;

/// <summary>The i40e dynamic ITR: latency mode for a few small packets, bulk intervals from the frame size, limits, staleness, the countdown after a change.</summary>
public class AdaptiveInterruptRateTests
{
    private const long Us = 1_000_000;
    private static readonly InterruptModeration I40e = new() { Adaptive = true, MinIntervalPs = 2 * Us, MaxIntervalPs = 126 * Us };

    private static AdaptiveInterruptRate After(long gbps, int frames, int bytes, long atPs = 100 * Us)
    {
        var itr = new AdaptiveInterruptRate(I40e, gbps * 1_000_000_000);
        itr.Rechoose(atPs - Us); // a recent choice, so the next is not a stale one
        for (int i = 0; i < frames; i++) itr.Count(bytes);
        itr.Rechoose(atPs);
        return itr;
    }

    /// <summary>Three re-enables with no packets: the countdown after a change runs out and the next counts are used.</summary>
    private static void Settle(AdaptiveInterruptRate itr, ref long atPs)
    {
        for (int i = 0; i < 3; i++) itr.Rechoose(atPs += Us);
    }

    [Fact]
    public void A_quiet_queue_starts_at_the_minimum_and_interrupts_at_once()
    {
        var itr = new AdaptiveInterruptRate(I40e, 40_000_000_000);
        Assert.Equal(2 * Us, itr.IntervalPs);
        Assert.True(itr.LatencyMode);
        Assert.Equal(5 * Us, itr.Interrupt(5 * Us));       // nothing before: at once
        Assert.Equal(7 * Us, itr.Interrupt(6 * Us));       // 1 µs later: held to one interval after the last
        Assert.Equal(50 * Us, itr.Interrupt(50 * Us));
    }

    [Fact]
    public void A_request_response_packet_keeps_latency_mode_with_a_short_interval()
    {
        // 66-byte frames: (66 × 40 + 1696) / 2 = 2168, over the 40G divisor 2048 → 2 steps of 2 µs; at 10G (512) → 5 steps.
        Assert.Equal(4 * Us, After(40, 1, 66).IntervalPs);
        Assert.True(After(40, 1, 66).LatencyMode);
        Assert.Equal(10 * Us, After(10, 2, 66).IntervalPs);
    }

    [Fact]
    public void Bulk_traffic_gets_an_interval_from_its_frame_size_and_link_speed()
    {
        // 1514-byte frames: 1514 × 5 + 22420 = 29990 → 15 steps at 40G (30 µs, ~33 K interrupts/s), 59 at 10G (118 µs).
        var at40 = After(40, 300, 1514);
        Assert.Equal(30 * Us, at40.IntervalPs);
        Assert.False(at40.LatencyMode);
        Assert.Equal(118 * Us, After(10, 300, 1514).IntervalPs);
        Assert.Equal(126 * Us, After(1, 300, 1514).IntervalPs); // capped at the maximum
    }

    [Fact]
    public void Moderate_counts_nudge_the_interval()
    {
        var itr = After(40, 300, 1514); // 30 µs
        long t = 100 * Us;
        Settle(itr, ref t);
        for (int i = 0; i < 21; i++) itr.Count(1514); // 21 packets: one step up
        itr.Rechoose(t += Us);
        Assert.Equal(32 * Us, itr.IntervalPs);
        Settle(itr, ref t);
        for (int i = 0; i < 80; i++) itr.Count(1514); // 56-112: about right
        itr.Rechoose(t += Us);
        Assert.Equal(32 * Us, itr.IntervalPs);
        for (int i = 0; i < 200; i++) itr.Count(1514); // 113-256: halved
        itr.Rechoose(t += Us);
        Assert.Equal(16 * Us, itr.IntervalPs);
    }

    [Fact]
    public void Counts_within_three_interrupts_of_a_change_are_thrown_away()
    {
        var itr = After(40, 300, 1514); // changed to 30 µs just now
        long t = 100 * Us;
        for (int n = 0; n < 3; n++)
        {
            for (int i = 0; i < 21; i++) itr.Count(1514); // would add a step if counted
            itr.Rechoose(t += Us);
            Assert.Equal(30 * Us, itr.IntervalPs);
        }
        for (int i = 0; i < 21; i++) itr.Count(1514);
        itr.Rechoose(t += Us);
        Assert.Equal(32 * Us, itr.IntervalPs);
    }

    [Fact]
    public void A_stream_of_full_frames_raises_the_interval_until_polls_batch_dozens()
    {
        // 40 GbE of 1514-byte frames: one every 0.3 µs. Each interrupt takes what arrived since the last one; the
        // interval climbs by 2 µs every 4 interrupts while fewer than 56 frames come per interrupt, then holds.
        var itr = new AdaptiveInterruptRate(I40e, 40_000_000_000);
        const long gapPs = 303_000;
        long last = 0;
        for (int interrupt = 0; interrupt < 200; interrupt++)
        {
            long at = itr.Interrupt(last + gapPs);
            for (long f = last; f < at; f += gapPs) itr.Count(1514);
            last = at;
            itr.Rechoose(at);
        }
        long perInterrupt = itr.IntervalPs / gapPs;
        Assert.InRange(perInterrupt, 56, 112);
        Assert.False(itr.LatencyMode);
    }

    [Fact]
    public void No_choice_for_over_a_jiffy_returns_to_the_minimum()
    {
        var itr = After(40, 300, 1514);
        for (int i = 0; i < 300; i++) itr.Count(1514);
        itr.Rechoose(100 * Us + 5_000 * Us); // 5 ms later (a jiffy at HZ=250 is 4 ms)
        Assert.Equal(2 * Us, itr.IntervalPs);
        Assert.True(itr.LatencyMode);
    }
}
