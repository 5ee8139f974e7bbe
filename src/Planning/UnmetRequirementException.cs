namespace NetSim.Planning;

/// <summary>A requirement the plan cannot meet: the field that drives it, why, and the smallest change that would meet it.</summary>
public sealed class UnmetRequirementException : Exception
{
    public UnmetRequirementException(string field, string reason, string change)
        : base($"{field}: {reason}; smallest change: {change}")
    {
        Field = field;
        Reason = reason;
        Change = change;
    }

    public UnmetRequirementException() : this("", "cannot be met", "none found") { }
    public UnmetRequirementException(string message) : this("", message, "none found") { }
    public UnmetRequirementException(string message, Exception inner) : base(message, inner)
    {
        Field = "";
        Reason = message;
        Change = "none found";
    }

    public string Field { get; } = "";
    public string Reason { get; } = "";
    public string Change { get; } = "";
}
