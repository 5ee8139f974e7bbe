namespace NetSim.Cli.Tests.Fuzz;

/// <summary>A mutated input: its bytes and what was done to it (printed when a case fails, to reproduce it).</summary>
internal sealed record Mutation(byte[] Bytes, string What)
{
    public static Mutation Text(string text, string what) => new(System.Text.Encoding.UTF8.GetBytes(text), what);
}
