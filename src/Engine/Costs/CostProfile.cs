namespace NetSim.Engine.Costs;

/// <summary>
/// A set of per-element costs (a profile file, loaded and validated elsewhere) with a CPU scale factor for
/// machines faster or slower than the one it was measured on. Elements resolve their costs once at build time.
/// </summary>
public sealed class CostProfile
{
    private readonly Dictionary<string, Cost> _costs;

    public CostProfile(string name, IReadOnlyDictionary<string, Cost> costs, decimal cpuScale = 1m)
    {
        foreach (string key in costs.Keys)
            if (!CostKeys.TryGet(key, out _)) throw new ArgumentException($"unknown cost key '{key}'", nameof(costs));
        if (cpuScale <= 0) throw new ArgumentOutOfRangeException(nameof(cpuScale), "cpu scale must be positive");
        Name = name;
        CpuScale = cpuScale;
        _costs = new Dictionary<string, Cost>(costs, StringComparer.Ordinal);
    }

    public string Name { get; }
    /// <summary>Multiplies every CPU cost: 1 = the profile's reference machine; 0.8 = a 25% faster machine.</summary>
    public decimal CpuScale { get; }
    public IReadOnlyDictionary<string, Cost> Raw => _costs;

    /// <summary>The scaled cost of <paramref name="key"/>; a key the profile does not set costs nothing.</summary>
    public Cost this[CostKey key] => _costs.TryGetValue(key.Name, out Cost c) ? c.Scaled(CpuScale) : Cost.Free;

    public bool Defines(CostKey key) => _costs.ContainsKey(key.Name);

    /// <summary>A profile where every cost is zero: for tests of pure wire behaviour.</summary>
    public static CostProfile Zero { get; } = new("zero", new Dictionary<string, Cost>());

    /// <summary>A copy with some costs replaced (calibration, what-if runs).</summary>
    public CostProfile With(string name, IReadOnlyDictionary<string, Cost> overrides, decimal? cpuScale = null)
    {
        var merged = new Dictionary<string, Cost>(_costs, StringComparer.Ordinal);
        foreach (var (k, v) in overrides) merged[k] = v;
        return new CostProfile(name, merged, cpuScale ?? CpuScale);
    }
}
