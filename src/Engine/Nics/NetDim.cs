namespace NetSim.Engine.Nics;

/// <summary>
/// mlx5's RX interrupt moderation: the CQ's hardware moderation in CQE period mode, its profile chosen by the kernel's
/// net DIM (lib/dim/net_dim.c; mlx5e enables rx DIM and CQE mode by default where the device supports them,
/// mlx5e_build_nic_params).
/// <list type="bullet">
/// <item>The CQ raises its event <c>usec</c> after the latest completion (the period timer restarts on every new CQE,
/// commit "net/mlx5e: CQE based moderation"), or at once when <c>pkts</c> completions have gathered.</item>
/// <item>Every 64 events (DIM_NEVENTS) DIM compares the bytes, packets and events per millisecond since the last
/// decision with those before (a difference counts above 10 %: bytes first, then packets, then fewer events is
/// better) and steps through the five RX CQE profiles (2 µs/256, 8/128, 16/64, 32/64, 64/64): on in the same direction
/// while it gets better, turning when not, parking at an edge or after ten steps, leaving the park when the traffic
/// changes.</item>
/// </list>
/// Request/response traffic moves more bytes per millisecond the shorter the wait, so DIM walks it left to the 2 µs
/// profile and parks there; a stream, wire-bound either way, moves right while fewer events carry the same bytes.
/// Simplifications: the new profile applies at once (mlx5 applies it from a work item), and TX completions are not
/// moderated.
/// </summary>
public sealed class NetDim : IInterruptModerator
{
    /// <summary>NET_DIM_RX_CQE_PROFILES: period (ps) and completion count of each profile.</summary>
    private static readonly (long PeriodPs, int Packets)[] Profiles =
        [(2_000_000, 256), (8_000_000, 128), (16_000_000, 64), (32_000_000, 64), (64_000_000, 64)];
    /// <summary>NET_DIM_DEF_PROFILE_CQE: the profile the CQ is created with.</summary>
    private const int DefaultProfile = 1;
    /// <summary>DIM_NEVENTS: events between decisions.</summary>
    private const int Events = 64;
    /// <summary>Steps after which DIM parks tired (NET_DIM_PARAMS_NUM_PROFILES × 2).</summary>
    private const int TiredSteps = 10;

    private enum Tune { ParkingOnTop, ParkingTired, GoingRight, GoingLeft }
    private enum Phase { StartMeasure, Measuring }

    private long _events, _packets, _bytes;
    private long _startEvents, _startPackets, _startBytes, _startPs;
    private long _prevBpms, _prevPpms, _prevEpms;
    private Phase _phase;
    private Tune _tune;
    private int _index, _stepsLeft, _stepsRight, _tired;
    private int _applied = DefaultProfile;

    public long IntervalPs => Profiles[_applied].PeriodPs;
    /// <summary>The profile the CQ runs (0 to 4).</summary>
    public int Profile => _applied;

    public long Arm(long readyPs) => readyPs + IntervalPs;

    public long FrameWhileArmed(long deadlinePs, long readyPs, int framesSinceArm) =>
        framesSinceArm >= Profiles[_applied].Packets ? Math.Min(deadlinePs, readyPs) : readyPs + IntervalPs;

    public void Fired() => _events++;

    public void Count(int frameBytes)
    {
        _packets++;
        _bytes += frameBytes;
    }

    /// <summary>net_dim, called as mlx5e_napi_poll completes.</summary>
    public void Complete(long nowPs)
    {
        if (_phase == Phase.Measuring)
        {
            if (_events - _startEvents < Events) return;
            long us = (nowPs - _startPs) / 1_000_000;
            if (us > 0 && Decide(PerMs(_bytes - _startBytes, us), PerMs(_packets - _startPackets, us), PerMs(Events, us)))
            {
                _applied = _index; // the work item programs the CQ; the next call starts a new measurement
                _phase = Phase.StartMeasure;
                return;
            }
        }
        _startEvents = _events;
        _startPackets = _packets;
        _startBytes = _bytes;
        _startPs = nowPs;
        _phase = Phase.Measuring;
    }

    /// <summary>DIV_ROUND_UP(n × USEC_PER_MSEC, µs).</summary>
    private static long PerMs(long n, long us) => ((n * 1000) + us - 1) / us;

    /// <summary>net_dim_decision: true when the profile changes.</summary>
    private bool Decide(long bpms, long ppms, long epms)
    {
        var before = _tune;
        int was = _index;
        switch (_tune)
        {
            case Tune.ParkingOnTop:
                if (Compare(bpms, ppms, epms) != 0) ExitParking();
                break;
            case Tune.ParkingTired:
                if (--_tired == 0) ExitParking();
                break;
            default:
                if (Compare(bpms, ppms, epms) <= 0) Turn();
                if (OnTop()) ParkOnTop();
                else
                {
                    switch (Step())
                    {
                        case StepResult.OnEdge: ParkOnTop(); break;
                        case StepResult.TooTired: _stepsLeft = _stepsRight = 0; _tune = Tune.ParkingTired; break;
                    }
                }
                break;
        }
        if (before != Tune.ParkingOnTop || _tune != Tune.ParkingOnTop)
        {
            _prevBpms = bpms;
            _prevPpms = ppms;
            _prevEpms = epms;
        }
        return _index != was;
    }

    /// <summary>net_dim_stats_compare: 1 better, -1 worse, 0 the same.</summary>
    private int Compare(long bpms, long ppms, long epms)
    {
        if (_prevBpms == 0) return bpms > 0 ? 1 : 0;
        if (Significant(bpms, _prevBpms)) return bpms > _prevBpms ? 1 : -1;
        if (_prevPpms == 0) return ppms > 0 ? 1 : 0;
        if (Significant(ppms, _prevPpms)) return ppms > _prevPpms ? 1 : -1;
        if (_prevEpms == 0) return 0;
        if (Significant(epms, _prevEpms)) return epms < _prevEpms ? 1 : -1;
        return 0;
    }

    /// <summary>IS_SIGNIFICANT_DIFF: more than 10 % apart.</summary>
    private static bool Significant(long value, long reference) => 100 * Math.Abs(value - reference) / reference > 10;

    private enum StepResult { Stepped, OnEdge, TooTired }

    private StepResult Step()
    {
        if (_tired == TiredSteps) return StepResult.TooTired;
        if (_tune == Tune.GoingRight)
        {
            if (_index == Profiles.Length - 1) return StepResult.OnEdge;
            _index++;
            _stepsRight++;
        }
        else if (_tune == Tune.GoingLeft)
        {
            if (_index == 0) return StepResult.OnEdge;
            _index--;
            _stepsLeft++;
        }
        _tired++;
        return StepResult.Stepped;
    }

    private void ExitParking()
    {
        _tune = _index > 0 ? Tune.GoingLeft : Tune.GoingRight;
        Step();
    }

    private void Turn()
    {
        if (_tune == Tune.GoingRight)
        {
            _tune = Tune.GoingLeft;
            _stepsLeft = 0;
        }
        else if (_tune == Tune.GoingLeft)
        {
            _tune = Tune.GoingRight;
            _stepsRight = 0;
        }
    }

    /// <summary>dim_on_top: the last two moves went opposite ways, one step each side of here.</summary>
    private bool OnTop() => _tune switch
    {
        Tune.GoingRight => _stepsLeft > 1 && _stepsRight == 1,
        Tune.GoingLeft => _stepsRight > 1 && _stepsLeft == 1,
        _ => true,
    };

    private void ParkOnTop()
    {
        _stepsLeft = _stepsRight = 0;
        _tired = 0;
        _tune = Tune.ParkingOnTop;
    }
}
