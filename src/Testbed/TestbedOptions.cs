namespace NetSim.Testbed;

/// <summary>How a testbed run is set up: where its files go, quick (the CI smoke) or full, what the local fit moves.</summary>
public sealed record TestbedOptions
{
    /// <summary>The output directory (measurements.csv, the scenarios, local-profile.yaml, prediction.md, commands.log).</summary>
    public required string OutDir { get; init; }
    /// <summary>A short run: fewer rows, one repetition of about a second each, a two-iteration fit (the CI smoke).</summary>
    public bool Quick { get; init; }
    /// <summary>Record a measurement that fails and go on with the others, instead of stopping.</summary>
    public bool KeepGoing { get; init; }
    /// <summary>The profile the local fit starts from (a path).</summary>
    public required string BaseProfile { get; init; }
    /// <summary>The profile numbers the local fit moves (calibrate's --fit syntax); null: one per mechanism (<see cref="FittedMechanism"/>).</summary>
    public string? FitKeys { get; init; }
    /// <summary>Levenberg-Marquardt iterations of the fit; null: 8, or 2 when quick.</summary>
    public int? Iterations { get; init; }
    /// <summary>Simulations run in parallel during the fit.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;
    /// <summary>Rounds of measurement: each row is measured once per round (its median counts); null: 5, or 1 when quick.</summary>
    public int? Repetitions { get; init; }

    public int EffectiveIterations => Iterations ?? (Quick ? 2 : 8);
    public int EffectiveRepetitions => Repetitions ?? (Quick ? 1 : 5);
    public double StreamSeconds => Quick ? 1 : 3;
    public double RrSeconds => Quick ? 1 : 3;
    public int Connections => Quick ? 100 : 400;
}
