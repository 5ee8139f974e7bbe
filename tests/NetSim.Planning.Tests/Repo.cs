namespace NetSim.Planning.Tests;

/// <summary>The repository's root (where NetSim.sln is), found from the test binary's folder.</summary>
internal static class Repo
{
    public static string Root()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "NetSim.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new DirectoryNotFoundException("NetSim.sln not found");
        return dir;
    }

    public static string ExerciseTwo => Path.Combine(Root(), "scenarios", "exercises", "address-plan.yaml");
}
