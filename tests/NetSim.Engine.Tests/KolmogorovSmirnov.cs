namespace NetSim.Engine.Tests;

/// <summary>The one-sample Kolmogorov–Smirnov statistic: how far a sample's CDF strays from a model CDF.</summary>
internal static class KolmogorovSmirnov
{
    /// <summary>sup |F_n(x) − F(x)| evaluated at the sample points (both one-sided limits), for continuous F.</summary>
    public static double MaxDeviation(double[] samples, Func<double, double> cdf)
    {
        double[] sorted = [.. samples.Order()];
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(((i + 1.0) / n) - f, f - ((double)i / n)));
        }
        return d;
    }

    /// <summary>The 0.1 % critical value, 1.95 / √n (asymptotic).</summary>
    public static double CriticalValue(int n) => 1.95 / Math.Sqrt(n);
}
