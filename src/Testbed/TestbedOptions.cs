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
    /// <summary>The profile numbers the local fit moves (calibrate's --fit syntax).</summary>
    public string FitKeys { get; init; } = DefaultFitKeys;
    /// <summary>Levenberg-Marquardt iterations of the fit; null: 6, or 2 when quick.</summary>
    public int? Iterations { get; init; }
    /// <summary>Simulations run in parallel during the fit.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;
    /// <summary>Repetitions of each measurement (the median is the row's value); null: 3, or 1 when quick.</summary>
    public int? Repetitions { get; init; }

    /// <summary>
    /// What a machine plausibly differs in from the profile's reference machine, each pinned by a fitted row: the
    /// per-byte copy between user and kernel (memory bandwidth: the streams), the system call (entry/exit cost,
    /// larger in a VM and with mitigations: TCP_RR), and the per-segment TCP receive work (both).
    /// </summary>
    public const string DefaultFitKeys = "socket.copy:per_byte_ns,socket.syscall,tcp.receive";

    public int EffectiveIterations => Iterations ?? (Quick ? 2 : 6);
    public int EffectiveRepetitions => Repetitions ?? (Quick ? 1 : 3);
    public double StreamSeconds => Quick ? 1 : 3;
    public double RrSeconds => Quick ? 1 : 3;
    public int Connections => Quick ? 100 : 400;
}
