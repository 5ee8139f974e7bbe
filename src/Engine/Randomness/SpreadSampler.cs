using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetSim.Engine.Randomness;

/// <summary>
/// Draws a charge of mean W in whole picoseconds as W × (floor + (1 − floor) × M), M a <see cref="UnitMeanLogNormal"/>,
/// with integer arithmetic on the common path: each body stratum's multiplier is a 32.32 fixed-point number, the
/// product W × multiplier is one 64×64→128-bit multiply, and the 32 fraction bits are rounded stochastically with the
/// draw's own low 32 bits (independent of the top 10 that chose the stratum), so rounding adds no bias and no
/// dependency between draws. The fixed-point multipliers are rounded so that, with the exactly drawn top stratum,
/// their mean is 1 to within 2^−42: a charge's mean is W. The top stratum (one draw in 1,024) goes through
/// <see cref="UnitMeanLogNormal"/>'s exact inversion in floating point.
/// </summary>
public sealed class SpreadSampler
{
    private const int FractionBits = 32;
    private const double One = 1UL << FractionBits;

    private readonly UnitMeanLogNormal _m;
    private readonly double _floor, _excess;
    private readonly long[] _multipliers;

    /// <param name="excessCv">The coefficient of variation of M.</param>
    /// <param name="floor">The share of the mean no charge goes below, in [0, 1).</param>
    public SpreadSampler(double excessCv, double floor)
    {
        if (!(floor >= 0 && floor < 1)) throw new ArgumentOutOfRangeException(nameof(floor), floor, "the floor must be in [0, 1)");
        _m = new UnitMeanLogNormal(excessCv);
        _floor = floor;
        _excess = 1 - floor;
        _multipliers = BuildMultipliers();
    }

    /// <summary>The mean multiplier of the charges drawn: body strata (fixed point) and the exact top stratum. 1 to within 2^−42.</summary>
    public double ExactMean
    {
        get
        {
            Int128 sum = 0;
            for (int i = 0; i < UnitMeanLogNormal.Strata - 1; i++) sum += _multipliers[i];
            return ((double)sum / One / UnitMeanLogNormal.Strata) + TailShare;
        }
    }

    /// <summary>A charge of mean <paramref name="workPs"/> (≥ 0), drawn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Draw(long workPs, RandomStream rng)
    {
        ulong bits = rng.NextUInt64();
        int stratum = (int)(bits >> UnitMeanLogNormal.StratumShift);
        if (stratum == UnitMeanLogNormal.Strata - 1) return Tail(workPs, bits, rng);
        long q = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_multipliers), stratum);
        ulong high = Math.BigMul((ulong)workPs, (ulong)q, out ulong low);
        ulong sum = low + (uint)bits; // + a uniform 32-bit fraction: stochastic rounding, no branch
        if (sum < low) high++;        // the carry
        return (long)((high << (64 - FractionBits)) | (sum >> FractionBits));
    }

    /// <summary>E[floor + (1 − floor) M; top stratum]: the top stratum's share of the mean multiplier.</summary>
    private double TailShare => (_floor / UnitMeanLogNormal.Strata) + (_excess * _m.TailPartialMean);

    /// <summary>The top stratum: M drawn exactly, the charge rounded stochastically with a second draw.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long Tail(long workPs, ulong bits, RandomStream rng)
    {
        double x = workPs * (_floor + (_excess * _m.Tail(bits)));
        long whole = (long)Math.Floor(x);
        return whole + ((rng.NextUInt64() >> 11) * (1.0 / (1UL << 53)) < x - whole ? 1 : 0);
    }

    /// <summary>
    /// Each body stratum's multiplier floor + (1 − floor) × (its mean) in 32.32 fixed point, the largest adjusted by
    /// the rounding residual so that the body's sum is exactly what the mean 1 leaves after the top stratum.
    /// </summary>
    private long[] BuildMultipliers()
    {
        var means = _m.StratumMeans;
        var q = new long[UnitMeanLogNormal.Strata - 1];
        Int128 sum = 0;
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = (long)Math.Round((_floor + (_excess * means[i])) * One, MidpointRounding.ToEven);
            sum += q[i];
        }
        Int128 target = (Int128)Math.Round((1 - TailShare) * UnitMeanLogNormal.Strata * One, MidpointRounding.ToEven);
        q[^1] += (long)(target - sum);
        return q;
    }
}
