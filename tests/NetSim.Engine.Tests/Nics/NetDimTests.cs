using NetSim.Engine.Costs;
using NetSim.Engine.Nics;

namespace NetSim.Engine.Tests.Nics;

/// <summary>mlx5's CQE-mode moderation under net DIM: the timer restarts per frame, the count fires at once, and DIM steps toward what moves most bytes.</summary>
public class NetDimTests
{
    private const long Us = 1_000_000;

    [Fact]
    public void The_cq_fires_a_period_after_the_latest_frame_or_when_the_count_is_reached()
    {
        var dim = new NetDim();
        Assert.Equal(1, dim.Profile);                                  // NET_DIM_DEF_PROFILE_CQE: 8 µs, 128 frames
        Assert.Equal(18 * Us, dim.Arm(10 * Us));
        Assert.Equal(19 * Us, dim.FrameWhileArmed(18 * Us, 11 * Us, 2)); // the timer restarts on the new CQE
        Assert.Equal(12 * Us, dim.FrameWhileArmed(19 * Us, 12 * Us, 128)); // 128 completions: at once
    }

    /// <summary>
    /// One transaction in flight: each round trip is a fixed 20 µs plus this side's CQ period, one interrupt and
    /// <paramref name="frames"/> frames per transaction. DIM must find the short periods, not the ceiling.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Request_response_traffic_settles_on_a_short_period(int frames)
    {
        var dim = new NetDim();
        long t = 0;
        int atTop = 0;
        for (int i = 0; i < 20_000; i++)
        {
            long fire = dim.Arm(t);
            for (int f = 2; f <= frames; f++) fire = dim.FrameWhileArmed(fire, t + (f * Us / 2), f);
            dim.Fired();
            for (int f = 0; f < frames; f++) dim.Count(1500);
            dim.Complete(fire + Us);
            t = fire + (20 * Us);
            if (i >= 10_000 && dim.Profile >= 3) atTop++;
        }
        Assert.True(dim.Profile <= 1, $"profile {dim.Profile}");
        Assert.Equal(0, atTop);
    }

    /// <summary>
    /// Frames back to back never let a CQE-mode timer expire, so the count fires the CQ: 256 frames at the first
    /// profile, 64 at the last three. The bytes are the wire's either way, so DIM settles where the events are fewest.
    /// </summary>
    [Fact]
    public void A_wire_bound_stream_settles_where_interrupts_are_fewest()
    {
        var dim = new NetDim();
        long t = 0;
        const long gap = 1_230_000; // 1538-byte frames back to back at 10 Gbit/s
        for (int i = 0; i < 3_000_000 && t < 400_000 * Us; i++)
        {
            long fire = dim.Arm(t);
            int n = 1;
            while (true)
            {
                long next = t + gap;
                if (next >= fire) break;  // the period expired first
                t = next;
                fire = dim.FrameWhileArmed(fire, t, ++n);
                if (fire == t) break;     // the count fired it
            }
            dim.Fired();
            for (int f = 0; f < n; f++) dim.Count(1514);
            dim.Complete(fire + (2 * Us));
            t = Math.Max(t + gap, fire + (2 * Us));
        }
        Assert.Equal(0, dim.Profile);
    }

    [Fact]
    public void Drivers_have_their_own_moderation()
    {
        Assert.Equal(ModerationAlgorithm.NetDim, NicDrivers.Moderation(NicDrivers.Mlx5).Algorithm);
        Assert.Equal(126 * Us, NicDrivers.Moderation(NicDrivers.I40e).MaxIntervalPs);
        Assert.Equal(10 * Us, NicDrivers.Moderation(NicDrivers.Ixgbe).MinIntervalPs);
        Assert.False(NicDrivers.Moderation(NicDrivers.VirtioNet).Adaptive);
        Assert.False(NicDrivers.Moderation(NicDrivers.Ena).Adaptive);
        Assert.Throws<ArgumentException>(() => NicDrivers.Moderation("e1000e"));
    }
}
