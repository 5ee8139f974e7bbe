using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

/// <summary>The engine against queueing theory: M/M/1 mean wait in queue Wq = ρ / (μ − λ), utilisation ρ.</summary>
public class MM1QueueTests
{
    private const long MeanService = 1_000_000; // 1 µs in ps, so μ = 1 per µs

    // Customers are chosen so the estimate's standard error is about 0.6 % (ρ = 0.5) and 0.8 % (ρ = 0.9) of Wq;
    // the 3 % tolerance is then ≥ 3.5 standard errors, yet an error in ordering or sampling is caught.
    [Theory]
    [InlineData(0.5, 1_000_000, 0.03)]
    [InlineData(0.9, 6_000_000, 0.03)]
    public void Mean_wait_and_utilisation_match_the_closed_form(double rho, long customers, double tolerance)
    {
        var sim = new Simulator();
        var queue = new MM1Queue(sim, new RandomStreams(2024), rho, MeanService, customers);
        sim.Run();

        double mu = 1.0 / MeanService, lambda = rho * mu;
        double expectedWq = rho / (mu - lambda);
        Assert.Equal(customers, queue.Served);
        Assert.InRange(queue.MeanWaitPicoseconds / expectedWq, 1 - tolerance, 1 + tolerance);
        Assert.InRange(queue.Busy.Average(sim.Now) / rho, 0.98, 1.02);
    }
}
