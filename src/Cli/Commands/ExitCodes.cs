namespace NetSim.Cli.Commands;

/// <summary>netsim's exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A run finished but failed an invariant (packet conservation).</summary>
    public const int InvariantFailed = 1;
    /// <summary>Bad input: a command line, scenario, profile or trace that cannot be used.</summary>
    public const int BadInput = 2;
}
