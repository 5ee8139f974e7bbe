namespace NetSim.Testbed;

/// <summary>A testbed step that failed on this machine (a command, a tool's output, a missing kernel feature), with one line saying what.</summary>
public sealed class TestbedException : Exception
{
    public TestbedException(string message) : base(message) { }

    public TestbedException(string message, Exception inner) : base(message, inner) { }

    public TestbedException() { }
}
