using NetSim.Engine.Costs;
using NetSim.Engine.Diagnostics;

namespace NetSim.Experiments;

/// <summary>
/// Finds a cost profile by name or path: a path as given; else NAME.yaml in a "profiles" folder next to the
/// scenario's folder, in the working directory, or beside the netsim binary (where the build copies them).
/// </summary>
public static class ProfileLocator
{
    public static string Resolve(string nameOrPath, string? scenarioFile)
    {
        if (File.Exists(nameOrPath)) return nameOrPath;
        foreach (string dir in SearchDirectories(scenarioFile))
        {
            string candidate = Path.Combine(dir, nameOrPath.EndsWith(".yaml", StringComparison.Ordinal) ? nameOrPath : nameOrPath + ".yaml");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InputException(scenarioFile ?? "", 0, "profile",
            $"no cost profile '{nameOrPath}' (looked in {string.Join(", ", SearchDirectories(scenarioFile))})");
    }

    public static CostProfile Load(string nameOrPath, string? scenarioFile) => CostProfileLoader.Load(Resolve(nameOrPath, scenarioFile));

    public static IEnumerable<string> SearchDirectories(string? scenarioFile)
    {
        var dirs = new List<string>();
        if (scenarioFile is not null && Path.GetDirectoryName(Path.GetFullPath(scenarioFile)) is { } sd)
        {
            dirs.Add(Path.Combine(sd, "profiles"));
            if (Path.GetDirectoryName(sd) is { } parent) dirs.Add(Path.Combine(parent, "profiles"));
            if (Path.GetDirectoryName(Path.GetDirectoryName(sd)) is { } grand) dirs.Add(Path.Combine(grand, "profiles"));
        }
        dirs.Add(Path.Combine(Directory.GetCurrentDirectory(), "profiles"));
        dirs.Add(Path.Combine(AppContext.BaseDirectory, "profiles"));
        return dirs.Distinct(StringComparer.Ordinal);
    }
}
