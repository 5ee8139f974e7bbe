using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using NetSim.Engine.Costs;

namespace NetSim.Experiments.Calibration;

/// <summary>
/// Least-squares fit of profile numbers to published figures: minimises the sum of squared relative errors
/// (simulated / published − 1) of the rows marked fit=yes over the logarithms of the parameters (so costs stay
/// positive), with MathNet's Levenberg-Marquardt minimiser started at the profile's values. The Jacobian is a
/// forward difference with a fixed 5 % step (a smaller one would vanish in the profile's picosecond resolution);
/// a column re-runs only the setups that read the moved key. Fixed start, step, tolerances and iteration budget:
/// the same inputs give the same result.
/// </summary>
public static class ProfileFit
{
    /// <summary>Significant digits the fitted values are written with (finer is noise of a discrete simulation).</summary>
    public const int Digits = 4;
    /// <summary>Forward-difference step in log space (5 %).</summary>
    private static readonly double Step = Math.Log(1.05);

    public static FitResult Fit(ReferenceEvaluator evaluator, CostProfile profile, IReadOnlyList<FitParameter> parameters, int maxIterations, Action<string>? log = null) =>
        Fit(evaluator, profile, parameters, maxIterations, r => r.Fit, log);

    /// <summary>As above, fitting to the rows <paramref name="train"/> accepts (cross-validation leaves a source out).</summary>
    public static FitResult Fit(ReferenceEvaluator evaluator, CostProfile profile, IReadOnlyList<FitParameter> parameters, int maxIterations,
        Func<ReferenceRow, bool> train, Action<string>? log = null)
    {
        var rows = evaluator.Rows;
        int[] fitted = Enumerable.Range(0, rows.Count).Where(i => train(rows[i])).ToArray();
        if (fitted.Length == 0) throw new ArgumentException("a fit needs at least one row to fit to", nameof(train));
        double[] start = parameters.Select(p => p.Value(profile)).ToArray();
        double[] Values(Vector<double> x) => x.Select((v, i) => start[i] * Math.Exp(v)).ToArray();
        int evaluations = 0;
        Vector<double> Ratios(Vector<double> x)
        {
            double[] sim = evaluator.Evaluate(FitParameter.Apply(profile, parameters, Values(x)), train);
            evaluations++;
            var ratios = Vector<double>.Build.Dense(fitted.Length, k => Ratio(sim[fitted[k]], rows[fitted[k]].Published));
            log?.Invoke($"evaluation {evaluations}: objective {ratios.Sum(r => (r - 1) * (r - 1)):0.000000}");
            return ratios;
        }
        Matrix<double> Jacobian(Vector<double> x)
        {
            var f0 = Ratios(x);
            var j = Matrix<double>.Build.Dense(fitted.Length, parameters.Count);
            for (int c = 0; c < parameters.Count; c++)
            {
                var moved = x.Clone();
                moved[c] += Step;
                j.SetColumn(c, (Ratios(moved) - f0) / Step);
            }
            return j;
        }
        var observedX = Vector<double>.Build.Dense(fitted.Length, k => k);
        var observedY = Vector<double>.Build.Dense(fitted.Length, 1.0);
        var model = ObjectiveFunction.NonlinearModel((x, _) => Ratios(x), (x, _) => Jacobian(x), observedX, observedY,
            Vector<double>.Build.Dense(fitted.Length, 1.0));
        var solver = new LevenbergMarquardtMinimizer(initialMu: 1e-3, gradientTolerance: 1e-8, stepTolerance: 1e-4, functionTolerance: 1e-8, maximumIterations: maxIterations);
        var result = solver.FindMinimum(model, Vector<double>.Build.Dense(parameters.Count));
        double[] best = Values(result.MinimizingPoint).Select((v, i) => parameters[i].Rounded(v, Digits)).ToArray();
        var before = evaluator.Evaluate(profile);
        var after = evaluator.Evaluate(FitParameter.Apply(profile, parameters, best));
        return new FitResult(parameters, start, best, before, after, SumOfSquares(rows, before, train), SumOfSquares(rows, after, train), evaluations,
            result.ReasonForExit.ToString());
    }

    /// <summary>simulated / published; a row the run could not measure counts as 100 % off.</summary>
    private static double Ratio(double simulated, double published) => double.IsNaN(simulated) ? 2 : simulated / published;

    /// <summary>Σ (simulated / published − 1)² over the rows marked fit=yes.</summary>
    public static double SumOfSquares(IReadOnlyList<ReferenceRow> rows, IReadOnlyList<double> simulated) =>
        SumOfSquares(rows, simulated, r => r.Fit);

    /// <summary>Σ (simulated / published − 1)² over the rows <paramref name="train"/> accepts.</summary>
    public static double SumOfSquares(IReadOnlyList<ReferenceRow> rows, IReadOnlyList<double> simulated, Func<ReferenceRow, bool> train)
    {
        double sum = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            if (!train(rows[i])) continue;
            double r = Ratio(simulated[i], rows[i].Published) - 1;
            sum += r * r;
        }
        return sum;
    }
}

/// <summary>What a fit found: each parameter's start and fitted value (ns), every row's value before and after, and the objective.</summary>
public sealed record FitResult(
    IReadOnlyList<FitParameter> Parameters,
    IReadOnlyList<double> Start,
    IReadOnlyList<double> Fitted,
    IReadOnlyList<double> Before,
    IReadOnlyList<double> After,
    double ObjectiveBefore,
    double ObjectiveAfter,
    int Evaluations,
    string Stopped);
