namespace NetSim.Topologies.Policy;

/// <summary>
/// A NetworkPolicy field NetSim cannot take: <see cref="Field"/> is its path inside the object
/// ("spec.ingress[0].from[1].ipBlock.except[0]"), so a reader can name the file and line it came from.
/// </summary>
public sealed class PolicyFieldException : Exception
{
    public PolicyFieldException(string field, string problem) : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    public PolicyFieldException() : this("", "bad NetworkPolicy") { }
    public PolicyFieldException(string message) : this("", message) { }
    public PolicyFieldException(string message, Exception inner) : base(message, inner)
    {
        Field = "";
        Problem = message;
    }

    public string Field { get; } = "";
    public string Problem { get; } = "";
}
