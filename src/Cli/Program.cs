using NetSim.Cli.CommandLine;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli;

/// <summary>The netsim command (see <see cref="NetsimApp"/> for the commands and how failures are reported).</summary>
internal static class Program
{
    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, RunnerFactory.Create());

    /// <summary>Runs netsim with <paramref name="runner"/> building and running the clusters (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, IScenarioRunner runner) => NetsimApp.Run(args, stdout, stderr, runner);

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";
}
