namespace NetSim.Engine.Randomness.Distributions;

/// <summary>Shared argument checks for distribution parameters, with messages that name the parameter.</summary>
internal static class ParameterCheck
{
    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number");
    }

    public static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0");
    }
}
