using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// One figure the testbed measured, in the terms of a calibrate row: the generated scenario and datapath that model
/// it, the --set overrides (MTU, streams, Services), the metric it is compared with, the measured value (median of
/// the repetitions, each kept), whether the local fit uses it, and the exact command that measured it.
/// </summary>
public sealed record TestbedMeasurement(
    string Id,
    string Setup,
    string Scenario,
    string Datapath,
    IReadOnlyList<string> Sets,
    string Metric,
    string Unit,
    IReadOnlyList<double> Runs,
    bool Fit,
    string Command)
{
    /// <summary>The median of the repetitions (the published value of the row).</summary>
    public double Value => Spread.Median;

    /// <summary>The repetitions' smallest, median and largest value.</summary>
    public MeasuredSpread Spread => MeasuredSpread.Of(Runs);

    public string RunsText => string.Join(" ", Runs.Select(r => r.ToString("0.###", CultureInfo.InvariantCulture)));
}
