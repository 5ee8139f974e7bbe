using NetSim.Cli.Running;
using NetSim.Engine.Costs;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Calibration;

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
        for (int i = 0; i < _setups.Length; i++)
        {
            var row = rows[Array.IndexOf(_setupOfRow, i)];
            try
            {
                _scenarios[i] = ScenarioInput.Load(command, Path.Combine(dir, row.Scenario), row.Sets, null, row.Datapath);
            }
            catch (InputException e)
            {
                throw new InputException(measurementsFile, row.Line, "scenario", $"{row.Scenario} ({row.Datapath}{(row.Sets.Count > 0 ? ", " + string.Join(";", row.Sets) : "")}): {e.Message}");
            }
        }
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            if (!_scenarios[_setupOfRow[i]].Traffic.Any(t => t.Name == row.Metric.Group))
                throw new InputException(measurementsFile, row.Line, "metric", $"{row.Scenario} has no traffic group '{row.Metric.Group}'");
    }

    public IReadOnlyList<ReferenceRow> Rows => _rows;

    /// <summary>How many simulations one evaluation runs.</summary>
    public int SetupCount => _setups.Length;

    /// <summary>Every row's simulated value under <paramref name="profile"/> (the profile of the reference machine; each scenario's cpu_scale applies on top).</summary>
    public double[] Evaluate(CostProfile profile) => Evaluate(profile, _ => true);

    /// <summary>As <see cref="Evaluate(CostProfile)"/>, running only the setups of rows <paramref name="include"/> accepts (the others are NaN).</summary>
    public double[] Evaluate(CostProfile profile, Func<ReferenceRow, bool> include)
    {
        var wanted = new bool[_setups.Length];
        for (int i = 0; i < _rows.Count; i++) if (include(_rows[i])) wanted[_setupOfRow[i]] = true;
        var runs = new RunResult?[_setups.Length];
        var traces = new TraceResult?[_setups.Length];
        Parallel.For(0, _setups.Length, new ParallelOptions { MaxDegreeOfParallelism = _jobs }, i =>
        {
            if (!wanted[i]) return;
            var s = _scenarios[i];
            var p = ProfileCache.OnMachine(profile, s);
            if (_setups[i].TracedGroup.Length == 0)
            {
                runs[i] = Guard(() => _runner.Run(s, p, null, RunOptions.Default), s);
                if (!runs[i]!.Conservation.Holds) throw new RunFailedException($"the run of '{s.Name}' over {s.Cni.Datapath} broke packet conservation");
            }
            else
            {
                var t = s.Traffic.First(x => x.Name == _setups[i].TracedGroup);
                var request = new TraceRequest(t.From, t.To, (ushort)TraceEndpoints.DefaultPort(s, t.To));
                traces[i] = Guard(() => _runner.Trace(s, p, null, request), s);
            }
        });
        var values = new double[_rows.Count];
        for (int i = 0; i < _rows.Count; i++)
        {
            int k = _setupOfRow[i];
            values[i] = !wanted[k] ? double.NaN
                : traces[k] is { } trace ? ReferenceMetric.FirstPacket(trace)
                : _rows[i].Metric.From(runs[k]!);
        }
        return values;
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
