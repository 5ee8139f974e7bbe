namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// "-m statistic": <c>--mode random --probability p</c> matches when a 31-bit random draw is below
/// <c>lround(p × 2^31)</c> (as iptables stores it); <c>--mode nth --every n --packet k</c> matches every n-th
/// packet. The random draw comes from a seeded stream, so runs are reproducible: the one the caller passes, or the
/// namespace's own (<see cref="NetfilterHooks.StatisticRandom"/>, as the kernel draws from its per-CPU prandom state,
/// not from the rule), which lets one rule object serve every node's table.
/// </summary>
public sealed class StatisticMatch : NfMatch
{
    private readonly Random? _random;
    private readonly uint _threshold;
    private readonly int _everyMinusOne;
    private int _count;
    private bool _fromNamespace;

    private StatisticMatch(Random? random, double probability, int every, int packet)
    {
        _random = random;
        Probability = probability;
        _threshold = (uint)Math.Round(probability * 0x8000_0000L, MidpointRounding.AwayFromZero);
        Every = every;
        _everyMinusOne = every - 1;
        _count = packet;
    }

    /// <summary>--mode random --probability <paramref name="probability"/>.</summary>
    public static StatisticMatch Random(double probability, Random random)
    {
        if (probability is < 0 or > 1 || double.IsNaN(probability))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability is between 0 and 1");
        ArgumentNullException.ThrowIfNull(random);
        return new StatisticMatch(random, probability, 0, 0);
    }

    /// <summary>--mode random --probability <paramref name="probability"/>, drawing from the evaluating namespace's stream.</summary>
    public static StatisticMatch Random(double probability)
    {
        if (probability is < 0 or > 1 || double.IsNaN(probability))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability is between 0 and 1");
        return new StatisticMatch(null, probability, 0, 0) { _fromNamespace = true };
    }

    /// <summary>--mode nth --every <paramref name="every"/> --packet <paramref name="packet"/>.</summary>
    public static StatisticMatch Nth(int every, int packet = 0)
    {
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "--every needs a positive count");
        if (packet < 0 || packet >= every) throw new ArgumentOutOfRangeException(nameof(packet), packet, "--packet must be below --every");
        return new StatisticMatch(null, 0, every, packet);
    }

    public double Probability { get; }
    /// <summary>The n of nth mode; 0 in random mode.</summary>
    public int Every { get; }

    protected override bool Matches(ref NfHookState state)
    {
        if (_random is not null) return (uint)_random.Next() < _threshold;
        if (_fromNamespace)
        {
            Random stream = state.Namespace.Netfilter.StatisticRandom
                ?? throw new InvalidOperationException($"{state.Namespace}: a statistic --mode random rule without the namespace's random stream");
            return (uint)stream.Next() < _threshold;
        }
        if (_count == _everyMinusOne)
        {
            _count = 0;
            return true;
        }
        _count++;
        return false;
    }
}
