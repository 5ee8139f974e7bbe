using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using NetSim.Engine.Costs;

namespace NetSim.Cli.Calibration;

/// <summary>
/// Least-squares fit of profile numbers to published figures: minimises the sum of squared relative errors
/// (simulated / published − 1) of the checked rows over the logarithms of the parameters (so costs stay
/// positive), with MathNet's Nelder-Mead simplex from the profile's values, a fixed first simplex (±20 % per
/// parameter) and a fixed iteration budget: the same inputs always give the same result.
/// </summary>
public static class ProfileFit
{
    /// <summary>Significant digits the fitted values are written with (finer is noise of a discrete simulation).</summary>
    public const int Digits = 4;
    /// <summary>Relative step of the first simplex in log space (ln 1.2).</summary>
    private static readonly double FirstStep = Math.Log(1.2);
    private const double Tolerance = 1e-4;

    public static FitResult Fit(ReferenceEvaluator evaluator, CostProfile profile, IReadOnlyList<FitParameter> parameters, int maxIterations, Action<string>? log = null)
    {
        var rows = evaluator.Rows;
        double[] start = parameters.Select(p => p.Value(profile)).ToArray();
        var cache = new Dictionary<string, double>(StringComparer.Ordinal);
        int evaluations = 0;
        double Objective(double[] values)
        {
            string key = string.Join(",", values.Select((v, i) => parameters[i].Units(v)));
            if (cache.TryGetValue(key, out double known)) return known;
            double[] sim = evaluator.Evaluate(FitParameter.Apply(profile, parameters, values), r => r.IsChecked);
            double sum = SumOfSquares(rows, sim);
            evaluations++;
            cache[key] = sum;
            log?.Invoke($"evaluation {evaluations}: objective {sum:0.000000}");
            return sum;
        }
        double[] FromLog(Vector<double> x) => x.Select((v, i) => start[i] * Math.Exp(v)).ToArray();

        double best = double.PositiveInfinity;
        double[] bestValues = start;
        double Tracked(Vector<double> x)
        {
            var values = FromLog(x);
            double f = Objective(values);
            if (f < best) (best, bestValues) = (f, values);
            return f;
        }
        var solver = new NelderMeadSimplex(Tolerance, maxIterations);
        var guess = Vector<double>.Build.Dense(parameters.Count);
        var step = Vector<double>.Build.Dense(parameters.Count, FirstStep);
        bool converged = true;
        try
        {
            solver.FindMinimum(ObjectiveFunction.Value(Tracked), guess, step);
        }
        catch (MaximumIterationsException)
        {
            converged = false; // the best point seen so far is the answer; the iteration budget is part of the inputs
        }
        double[] fitted = bestValues.Select((v, i) => parameters[i].Rounded(v, Digits)).ToArray();
        var before = evaluator.Evaluate(profile);
        var after = evaluator.Evaluate(FitParameter.Apply(profile, parameters, fitted));
        return new FitResult(parameters, start, fitted, before, after, SumOfSquares(rows, before), SumOfSquares(rows, after), evaluations, converged);
    }

    /// <summary>Σ (simulated / published − 1)² over the checked rows; a row the run could not measure counts as 100 % off.</summary>
    public static double SumOfSquares(IReadOnlyList<ReferenceRow> rows, IReadOnlyList<double> simulated)
    {
        double sum = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            if (!rows[i].IsChecked) continue;
            double r = double.IsNaN(simulated[i]) ? 1 : simulated[i] / rows[i].Published - 1;
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
    bool Converged);
