namespace NetSim.Engine.Core;

/// <summary>
/// A running 64-bit hash over (event time, event kind), in the spirit of OMNeT++'s fingerprints: two runs with
/// equal fingerprints processed the same events at the same times. Integer-only, so it is the same on any CPU.
/// </summary>
public readonly record struct RunFingerprint(ulong Value)
{
    private const ulong Prime = 0x100000001B3UL; // FNV-1a 64-bit prime
    public static readonly RunFingerprint Initial = new(0xCBF29CE484222325UL); // FNV-1a 64-bit offset basis

    public RunFingerprint Add(long time, int kind)
    {
        ulong h = Value;
        h = (h ^ (ulong)time) * Prime;
        h = (h ^ (uint)kind) * Prime;
        return new RunFingerprint(h);
    }

    public override string ToString() => Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
