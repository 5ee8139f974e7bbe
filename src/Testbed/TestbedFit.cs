using System.Globalization;
using System.Text;
using NetSim.Engine.Costs;
using NetSim.Experiments.Calibration;
using NetSim.Topologies.Simulation;

namespace NetSim.Testbed;

/// <summary>
/// The local calibration: fits the chosen profile numbers to the testbed's fit=yes rows with calibrate's least
/// squares (ProfileFit over a ReferenceEvaluator of the generated scenarios), writes the fitted profile with a header
/// saying what it was fitted to, and compares every row — above all the held-out ones — with the simulation of the
/// same topology under the fitted profile.
/// </summary>
public static class TestbedFit
{
    public static TestbedPrediction Run(IScenarioRunner runner, TestbedResult measured, TestbedOptions options, string commandLine, Action<string> log)
    {
        var rows = ReferenceMeasurements.Load(measured.CsvPath);
        var profile = CostProfileLoader.Load(options.BaseProfile);
        var parameters = FitParameter.ParseList("testbed", options.FitKeys, profile);
        var evaluator = new ReferenceEvaluator(runner, rows, measured.CsvPath, options.Jobs, "testbed");
        log($"fitting {string.Join(", ", parameters.Select(p => p.Name))} to {rows.Count(r => r.Fit)} rows ({evaluator.SetupCount} simulated setups)");
        FitResult fit = rows.Any(r => r.Fit)
            ? ProfileFit.Fit(evaluator, profile, parameters, options.EffectiveIterations, log)
            : throw new TestbedException("no fitted row was measured (host and bridge single stream and TCP_RR): nothing to fit to");

        string baseText = File.ReadAllText(options.BaseProfile);
        string outPath = Path.Combine(options.OutDir, "local-profile.yaml");
        var header = new List<string>
        {
            $"Fitted by netsim testbed on {measured.Machine.Description}.",
            "Regenerate with (as root, on the machine to calibrate):",
            "  " + commandLine,
            $"Base: {options.BaseProfile.Replace('\\', '/')}; every number not fitted keeps its value and source from there.",
            $"Fitted to the {rows.Count(r => r.Fit)} rows of measurements.csv marked fit=yes ({string.Join(", ", rows.Where(r => r.Fit).Select(r => r.Id))}),",
            "measured in network namespaces of this machine with every process pinned to one core (docs/testbed.md);",
            $"objective (sum of squared relative errors) {fit.ObjectiveBefore.ToString("0.0000", CultureInfo.InvariantCulture)} before, " +
            $"{fit.ObjectiveAfter.ToString("0.0000", CultureInfo.InvariantCulture)} after ({fit.Evaluations} evaluations, {fit.Stopped}).",
            "Held-out rows and their prediction errors: prediction.md beside this file.",
            "Fitted numbers (start -> fitted):",
        };
        for (int i = 0; i < fit.Parameters.Count; i++)
            header.Add($"  {fit.Parameters[i].Name}: {fit.Parameters[i].Text(fit.Start[i])} -> {fit.Parameters[i].Text(fit.Fitted[i])}");
        string text = ProfileYamlWriter.Write(baseText, options.BaseProfile, "local", header, fit, "the testbed's measurements.csv (see the header)");
        CostProfileLoader.Parse(text, outPath); // the written profile must load
        File.WriteAllText(outPath, text);

        var prediction = new TestbedPrediction(rows, fit, measured.Machine, outPath);
        File.WriteAllText(Path.Combine(options.OutDir, "prediction.md"), prediction.Markdown());
        return prediction;
    }
}

/// <summary>Every row measured against the simulation before and after the local fit; the held-out rows are the prediction test.</summary>
public sealed record TestbedPrediction(IReadOnlyList<ReferenceRow> Rows, FitResult Fit, TestbedMachine Machine, string ProfilePath)
{
    /// <summary>Relative error of row <paramref name="i"/> after the fit, in % (NaN when the simulation measured nothing).</summary>
    public double ErrorPercent(int i) => (Fit.After[i] / Rows[i].Published - 1) * 100;

    public IEnumerable<int> HeldOut => Enumerable.Range(0, Rows.Count).Where(i => !Rows[i].Fit);

    /// <summary>Held-out rows predicted within the tolerance.</summary>
    public int HeldOutWithin => HeldOut.Count(i => Math.Abs(ErrorPercent(i)) <= MeasurementSetWriter.TolerancePercent);

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Testbed prediction on {Machine.Description}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Fitted: {string.Join(", ", Fit.Parameters.Select((p, i) => $"{p.Name} {p.Text(Fit.Start[i])} -> {p.Text(Fit.Fitted[i])}"))}; ");
        sb.Append(CultureInfo.InvariantCulture, $"{HeldOutWithin} of {HeldOut.Count()} held-out rows within ±{MeasurementSetWriter.TolerancePercent:0} %.\n\n");
        sb.Append("| row | setup | metric | measured | simulated (base) | simulated (fitted) | error | role |\n|---|---|---|---:|---:|---:|---:|---|\n");
        for (int i = 0; i < Rows.Count; i++)
        {
            var r = Rows[i];
            double e = ErrorPercent(i);
            string role = r.Fit ? "fitted" : Math.Abs(e) <= MeasurementSetWriter.TolerancePercent ? "held out: within" : "held out: OUTSIDE";
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Id} | {r.Setup} | {r.Metric} ({r.Unit}) | {ReferenceCheck.Number(r.Published)} | {ReferenceCheck.Number(Fit.Before[i])} | ");
            sb.Append(CultureInfo.InvariantCulture, $"{ReferenceCheck.Number(Fit.After[i])} | {(double.IsNaN(e) ? "n/a" : e.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %")} | {role} |\n");
        }
        return sb.ToString();
    }
}
