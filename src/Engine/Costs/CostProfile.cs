namespace NetSim.Engine.Costs;

/// <summary>
/// A set of per-element costs (a profile file, loaded and validated elsewhere) with a CPU scale factor for
/// machines faster or slower than the one it was measured on. Elements resolve their costs once at build time.
/// </summary>
public sealed class CostProfile
{
    private static readonly Dictionary<string, long> NoDelays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cost> _costs;
    private readonly Dictionary<string, long> _delays;
    /// <summary>Names of the costs and delays read so far, when reads are tracked (calibration); null otherwise.</summary>
    private System.Collections.Concurrent.ConcurrentDictionary<string, bool>? _reads;

    public CostProfile(string name, IReadOnlyDictionary<string, Cost> costs, decimal cpuScale = 1m)
        : this(name, costs, cpuScale, NoDelays)
    {
    }

    /// <param name="delaysPs">Hardware delays in picoseconds by <see cref="DelayKeys"/> name (not CPU-scaled).</param>
    public CostProfile(string name, IReadOnlyDictionary<string, Cost> costs, decimal cpuScale, IReadOnlyDictionary<string, long> delaysPs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(delaysPs);
        foreach (string key in costs.Keys)
            if (!CostKeys.TryGet(key, out _)) throw new ArgumentException($"unknown cost key '{key}'", nameof(costs));
        foreach (var (key, ps) in delaysPs)
        {
            if (!DelayKeys.TryGet(key, out _)) throw new ArgumentException($"unknown delay key '{key}'", nameof(delaysPs));
            if (ps < 0) throw new ArgumentOutOfRangeException(nameof(delaysPs), $"delay '{key}' is negative");
        }
        if (cpuScale <= 0) throw new ArgumentOutOfRangeException(nameof(cpuScale), "cpu scale must be positive");
        Name = name;
        CpuScale = cpuScale;
        _costs = new Dictionary<string, Cost>(costs, StringComparer.Ordinal);
        _delays = new Dictionary<string, long>(delaysPs, StringComparer.Ordinal);
    }

    public string Name { get; }
    /// <summary>Multiplies every CPU cost: 1 = the profile's reference machine; 0.8 = a 25% faster machine.</summary>
    public decimal CpuScale { get; }
    public IReadOnlyDictionary<string, Cost> Raw => _costs;

    /// <summary>The scaled cost of <paramref name="key"/>; a key the profile does not set costs nothing.</summary>
    public Cost this[CostKey key]
    {
        get
        {
            _reads?.TryAdd(key.Name, true);
            return _costs.TryGetValue(key.Name, out Cost c) ? c.Scaled(CpuScale) : Cost.Free;
        }
    }

    public bool Defines(CostKey key) => _costs.ContainsKey(key.Name);

    /// <summary>Hardware delays in picoseconds by name (not scaled by <see cref="CpuScale"/>).</summary>
    public IReadOnlyDictionary<string, long> RawDelays => _delays;

    /// <summary>The delay of <paramref name="key"/> in picoseconds; a key the profile does not set is zero.</summary>
    public long DelayPs(DelayKey key)
    {
        _reads?.TryAdd(key.Name, true);
        return _delays.TryGetValue(key.Name, out long ps) ? ps : 0;
    }

    /// <summary>
    /// A copy that records which costs and delays are read (elements read theirs once, when they are built), shared
    /// with the copies <see cref="With"/> and <see cref="WithDelays"/> make of it: what a simulation depends on.
    /// </summary>
    public CostProfile TrackingReads()
    {
        var copy = With(Name, new Dictionary<string, Cost>());
        copy._reads = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        return copy;
    }

    /// <summary>The cost and delay names read from this profile (and its tracked copies), in name order; empty when not tracking.</summary>
    public IReadOnlyList<string> KeysRead => _reads is null ? [] : _reads.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    public bool Defines(DelayKey key) => _delays.ContainsKey(key.Name);

    /// <summary>What the profile says it is (free text from the file).</summary>
    public string Description { get; init; } = "";
    /// <summary>The machine the numbers were measured or estimated for.</summary>
    public string ReferenceMachine { get; init; } = "";
    /// <summary>Where each cost and delay number comes from, by key name (the file's <c>source</c> fields).</summary>
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The L2 cache of one core of the reference machine, in bytes (the profile's <c>l2_cache</c>); 0 when the profile
    /// does not model it. Long table walks (iptables rules) pay a miss cost for what does not fit.
    /// </summary>
    public long L2CacheBytes { get; init; }

    /// <summary>
    /// How CPU charges, thread wakeups and interrupt moderation vary around the costs (the file's <c>variability</c>
    /// section); <see cref="CostVariability.None"/> when the profile has none or runs with exact costs.
    /// </summary>
    public CostVariability Variability { get; init; } = CostVariability.None;

    /// <summary>A copy with the given variability (tests, what-if runs).</summary>
    public CostProfile WithVariability(CostVariability variability)
    {
        ArgumentNullException.ThrowIfNull(variability);
        return Copy(Name, _costs, CpuScale, _delays, L2CacheBytes, variability);
    }

    /// <summary>
    /// The same profile with every cost exactly its mean and threads running the moment they are woken: the
    /// deterministic model <c>--exact-costs</c> runs. Interrupt moderation stays as the profile has it: it is a
    /// mechanism (the interrupt core's batching), not a spread.
    /// </summary>
    public CostProfile WithExactCosts() => Variability.IsExact ? this : WithVariability(Variability.Exact);

    /// <summary>The same profile with nothing drawn (<see cref="CostVariability.AtMeans"/>): the mean exchange <c>trace</c> shows.</summary>
    public CostProfile WithMeanCosts() => Variability.IsExact ? this : WithVariability(Variability.AtMeans);

    /// <summary>A copy on a machine whose cores have <paramref name="bytes"/> of L2 cache.</summary>
    public CostProfile WithL2Cache(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return Copy(Name, _costs, CpuScale, _delays, bytes);
    }

    /// <summary>A profile where every cost is zero: for tests of pure wire behaviour.</summary>
    public static CostProfile Zero { get; } = new("zero", new Dictionary<string, Cost>());

    /// <summary>A copy with some costs replaced (calibration, what-if runs).</summary>
    public CostProfile With(string name, IReadOnlyDictionary<string, Cost> overrides, decimal? cpuScale = null)
    {
        var merged = new Dictionary<string, Cost>(_costs, StringComparer.Ordinal);
        foreach (var (k, v) in overrides) merged[k] = v;
        return Copy(name, merged, cpuScale ?? CpuScale, _delays, L2CacheBytes);
    }

    /// <summary>A copy with some hardware delays (picoseconds by delay key name) replaced.</summary>
    public CostProfile WithDelays(IReadOnlyDictionary<string, long> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var merged = new Dictionary<string, long>(_delays, StringComparer.Ordinal);
        foreach (var (k, v) in overrides) merged[k] = v;
        return Copy(Name, _costs, CpuScale, merged, L2CacheBytes);
    }

    /// <summary>A copy that keeps the description, sources and read tracking of this one.</summary>
    private CostProfile Copy(string name, IReadOnlyDictionary<string, Cost> costs, decimal cpuScale, IReadOnlyDictionary<string, long> delays, long l2CacheBytes,
        CostVariability? variability = null) =>
        new(name, costs, cpuScale, delays)
        {
            Description = Description,
            ReferenceMachine = ReferenceMachine,
            Sources = Sources,
            L2CacheBytes = l2CacheBytes,
            Variability = variability ?? Variability,
            _reads = _reads,
        };
}
