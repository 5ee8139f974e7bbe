using NetSim.Experiments.Running;
using NetSim.Engine.Costs;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Calibration;

/// <summary>
/// Runs the reference setups a set of rows needs (each distinct scenario, datapath and overrides once, in
/// parallel) under a cost profile and reads every row's simulated value. Scenarios are loaded and checked once,
/// before anything runs; results do not depend on the order or parallelism of the runs.
/// </summary>
public sealed class ReferenceEvaluator
{
    private readonly IScenarioRunner _runner;
    private readonly IReadOnlyList<ReferenceRow> _rows;
    private readonly ReferenceSetupKey[] _setups;
    private readonly Scenario[] _scenarios;
    private readonly int[] _setupOfRow;
    private readonly int _jobs;
    /// <summary>Per setup: the cost and delay names its simulation reads (learned on its first run), and its row values by the numbers of those keys.</summary>
    private readonly string[]?[] _keysRead;
    private readonly Dictionary<string, double[]>[] _cache;

    /// <param name="measurementsFile">The measurements file the rows' scenario paths are relative to.</param>
    public ReferenceEvaluator(IScenarioRunner runner, IReadOnlyList<ReferenceRow> rows, string measurementsFile, int jobs, string command)
    {
        _runner = runner;
        _rows = rows;
        _jobs = jobs;
        string dir = Path.GetDirectoryName(Path.GetFullPath(measurementsFile)) ?? ".";
        _setups = rows.Select(r => r.SetupKey).Distinct().ToArray();
        _setupOfRow = rows.Select(r => Array.IndexOf(_setups, r.SetupKey)).ToArray();
        _scenarios = new Scenario[_setups.Length];
        _keysRead = new string[]?[_setups.Length];
        _cache = Enumerable.Range(0, _setups.Length).Select(_ => new Dictionary<string, double[]>(StringComparer.Ordinal)).ToArray();
        // Large scenarios (30,000 Services) take seconds to load and check: load each file and overrides once, in parallel.
        var loads = _setups.Select(k => (k.Scenario, k.Datapath, k.Sets)).Distinct().ToArray();
        var loaded = new Scenario[loads.Length];
        var failures = new InputException?[loads.Length];
        Parallel.For(0, loads.Length, new ParallelOptions { MaxDegreeOfParallelism = jobs }, l =>
        {
            var row = rows.First(r => (r.Scenario, r.Datapath, string.Join(";", r.Sets)) == loads[l]);
            try
            {
                loaded[l] = ScenarioInput.Load(command, Path.Combine(dir, row.Scenario), row.Sets, null, row.Datapath);
            }
            catch (InputException e)
            {
                failures[l] = new InputException(measurementsFile, row.Line, "scenario",
                    $"{row.Scenario} ({row.Datapath}{(row.Sets.Count > 0 ? ", " + string.Join(";", row.Sets) : "")}): {e.Message}");
            }
        });
        if (failures.FirstOrDefault(f => f is not null) is { } failure) throw failure;
        for (int i = 0; i < _setups.Length; i++)
            _scenarios[i] = loaded[Array.IndexOf(loads, (_setups[i].Scenario, _setups[i].Datapath, _setups[i].Sets))];
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            if (!_scenarios[_setupOfRow[i]].Traffic.Any(t => t.Name == row.Metric.Group))
                throw new InputException(measurementsFile, row.Line, "metric", $"{row.Scenario} has no traffic group '{row.Metric.Group}'");
    }

    public IReadOnlyList<ReferenceRow> Rows => _rows;

    /// <summary>How many simulations one evaluation runs.</summary>
    public int SetupCount => _setups.Length;

    /// <summary>Every row's simulated value under <paramref name="profile"/> (the profile of the reference machine; each scenario's cpu_scale applies on top).</summary>
    public double[] Evaluate(CostProfile profile) => Evaluate(profile, _ => true);

    /// <summary>Called as each setup's simulation finishes, with the setup's name (progress for long checks).</summary>
    public Action<string>? SetupFinished { get; set; }

    /// <summary>How many simulations ran (a setup whose inputs did not change since an earlier run is not run again).</summary>
    public int Simulations { get; private set; }

    /// <summary>
    /// As <see cref="Evaluate(CostProfile)"/>, running only the setups of rows <paramref name="include"/> accepts (the
    /// others are NaN). A setup is run again only when a number it reads (a cost or delay its elements resolved, or the
    /// CPU scale) changed: the simulation is deterministic, so its earlier result is its result.
    /// </summary>
    public double[] Evaluate(CostProfile profile, Func<ReferenceRow, bool> include)
    {
        var wanted = new bool[_setups.Length];
        for (int i = 0; i < _rows.Count; i++) if (include(_rows[i])) wanted[_setupOfRow[i]] = true;
        var setupValues = new double[_setups.Length][];
        var signatures = new string?[_setups.Length];
        var todo = new List<int>();
        for (int i = 0; i < _setups.Length; i++)
        {
            if (!wanted[i]) continue;
            if (_keysRead[i] is { } keys)
            {
                signatures[i] = Signature(profile, keys, _scenarios[i]);
                if (_cache[i].TryGetValue(signatures[i]!, out var known))
                {
                    setupValues[i] = known;
                    continue;
                }
            }
            todo.Add(i);
        }
        Parallel.For(0, todo.Count, new ParallelOptions { MaxDegreeOfParallelism = _jobs }, t =>
        {
            int i = todo[t];
            var tracked = profile.TrackingReads();
            setupValues[i] = Run(i, ProfileCache.OnMachine(tracked, _scenarios[i]));
            _keysRead[i] ??= [.. tracked.KeysRead];
            SetupFinished?.Invoke($"{_scenarios[i].Name} over {_scenarios[i].Cni.Datapath}");
        });
        foreach (int i in todo)
            _cache[i][signatures[i] ?? Signature(profile, _keysRead[i]!, _scenarios[i])] = setupValues[i];
        Simulations += todo.Count;
        var values = new double[_rows.Count];
        for (int i = 0; i < _rows.Count; i++)
            values[i] = wanted[_setupOfRow[i]] ? setupValues[_setupOfRow[i]][i] : double.NaN;
        return values;
    }

    /// <summary>
    /// Every row's value from one run of setup <paramref name="i"/> (NaN for rows of other setups). A setup of
    /// first-packet rows runs with a <see cref="FirstPacketProbe"/> and reads its group's connections' first packets.
    /// </summary>
    private double[] Run(int i, CostProfile profile)
    {
        var s = _scenarios[i];
        var probe = _setups[i].FirstPackets ? new FirstPacketProbe(s.Warmup.Picoseconds) : null;
        var options = probe is null ? RunOptions.Default : RunOptions.Default with { BeforeRun = probe.Attach };
        var run = Guard(() => _runner.Run(s, profile, null, options), s);
        if (!run.Conservation.Holds) throw new RunFailedException($"the run of '{s.Name}' over {s.Cni.Datapath} broke packet conservation");
        if (!run.Invariants.Holds) throw new RunFailedException($"the run of '{s.Name}' over {s.Cni.Datapath} broke a physical invariant: {run.Invariants}");
        var values = new double[_rows.Count];
        for (int r = 0; r < _rows.Count; r++)
        {
            if (_setupOfRow[r] != i) values[r] = double.NaN;
            else if (probe is null) values[r] = _rows[r].Metric.From(run);
            else values[r] = _rows[r].Metric.FromFirstPackets(probe.SpansUs(run.Groups.First(g => g.Name == _rows[r].Metric.Group)));
        }
        return values;
    }

    /// <summary>The numbers a setup's simulation reads, as text: equal text, equal result.</summary>
    private static string Signature(CostProfile profile, string[] keys, Scenario scenario)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"scale={profile.CpuScale * scenario.Cluster.CpuScale};variability={profile.Variability}");
        foreach (string k in keys)
        {
            if (profile.Raw.TryGetValue(k, out var c)) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $";{k}={c.FixedPs}/{c.PerByteFs}");
            else if (profile.RawDelays.TryGetValue(k, out long d)) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $";{k}={d}");
            else sb.Append(';').Append(k).Append("=unset");
        }
        return sb.ToString();
    }

    private static T Guard<T>(Func<T> call, Scenario s)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not (InputException or RunFailedException or OperationCanceledException))
        {
            throw new RunFailedException($"the run of '{s.Name}' over {s.Cni.Datapath} failed: {e.GetType().Name}: {e.Message}", e);
        }
    }
}
