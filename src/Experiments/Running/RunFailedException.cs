namespace NetSim.Experiments.Running;

/// <summary>
/// A run that stopped with an error inside the simulator (not bad input): netsim prints one line naming the run
/// and exits with code 1, like a failed invariant.
/// </summary>
public sealed class RunFailedException : Exception
{
    public RunFailedException(string message, Exception inner) : base(message, inner) { }
    public RunFailedException() { }
    public RunFailedException(string message) : base(message) { }
}
