namespace NetSim.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("netsim: a packet-level simulator of Kubernetes cluster networking.");
        return args.Length == 0 ? 0 : 2;
    }
}
