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
        var mechanisms = FittedMechanism.For(options.Quick, rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal));
        var parameters = FitParameter.ParseList("testbed", options.FitKeys ?? FittedMechanism.FitKeys(mechanisms), profile);
        var evaluator = new ReferenceEvaluator(runner, rows, measured.CsvPath, options.Jobs, "testbed");
        log($"fitting {string.Join(", ", parameters.Select(p => p.Name))} to {rows.Count(r => r.Fit)} rows ({evaluator.SetupCount} simulated setups)");
        FitResult fit = rows.Any(r => r.Fit)
            ? ProfileFit.Fit(evaluator, profile, parameters, options.EffectiveIterations, log)
            : throw new TestbedException("no row that pins a mechanism was measured (docs/testbed.md, the fit): nothing to fit to");

        string baseText = File.ReadAllText(options.BaseProfile);
        string outPath = Path.Combine(options.OutDir, "local-profile.yaml");
        var header = new List<string>
        {
            $"Fitted by netsim testbed on {measured.Machine.Description}.",
            "Regenerate with (as root, on the machine to calibrate):",
            "  " + commandLine,
            $"Base: {options.BaseProfile.Replace('\\', '/')}; every number not fitted keeps its value and source from there.",
            $"Fitted to the {rows.Count(r => r.Fit)} rows of measurements.csv marked fit=yes ({string.Join(", ", rows.Where(r => r.Fit).Select(r => r.Id))}),",
            "one row per mechanism, measured in network namespaces of this machine with every process on one core (docs/testbed.md);",
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

        var spreads = measured.Rows.ToDictionary(m => m.Id, m => m.Spread, StringComparer.Ordinal);
        var prediction = new TestbedPrediction(rows, [.. rows.Select(r => spreads.TryGetValue(r.Id, out var sp) ? sp : MeasuredSpread.Unknown)],
            fit, mechanisms, measured.Machine, outPath);
        File.WriteAllText(Path.Combine(options.OutDir, "prediction.md"), prediction.Markdown());
        return prediction;
    }
}
