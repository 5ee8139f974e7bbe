namespace NetSim.Cli.Tests.Fuzz;

/// <summary>
/// What the fuzz suite mutates: every bundled scenario (scenarios/ and scenarios/reference/), Kubernetes manifest
/// (scenarios/manifests/shop), conflist
/// (scenarios/cni/), sweep (scenarios/sweeps/), cost profile (profiles/) and the published measurements, copied
/// into a scratch tree with the repository's layout so relative references (a conflist, ../profiles) resolve.
/// </summary>
internal sealed class FuzzCorpus : IDisposable
{
    public FuzzCorpus()
    {
        Repo = FindRepo();
        Root = Directory.CreateTempSubdirectory("netsim-fuzz-").FullName;
        Copy(Path.Combine(Repo, "scenarios"), Path.Combine(Root, "scenarios"));
        Copy(Path.Combine(Repo, "profiles"), Path.Combine(Root, "profiles"));
        Scenarios = Directory.GetFiles(Path.Combine(Root, "scenarios"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(Root, "scenarios", "reference"), "*.yaml")).Order(StringComparer.Ordinal).ToList();
        Conflists = Directory.GetFiles(Path.Combine(Root, "scenarios", "cni"), "*.conflist").Order(StringComparer.Ordinal).ToList();
        Manifests = Directory.GetFiles(Path.Combine(Root, "scenarios", "manifests", "shop"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Sweeps = Directory.GetFiles(Path.Combine(Root, "scenarios", "sweeps"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Profiles = Directory.GetFiles(Path.Combine(Root, "profiles"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Measurements = Path.Combine(Root, "scenarios", "reference", "published.csv");
    }

    public string Repo { get; }
    public string Root { get; }
    public IReadOnlyList<string> Scenarios { get; }
    public IReadOnlyList<string> Conflists { get; }
    public IReadOnlyList<string> Sweeps { get; }
    /// <summary>The bundled Kubernetes manifests (scenarios/manifests/shop).</summary>
    public IReadOnlyList<string> Manifests { get; }
    public IReadOnlyList<string> Profiles { get; }
    public string Measurements { get; }

    /// <summary>The scenario that uses <paramref name="conflist"/> (its cni.conflist names the file).</summary>
    public string ScenarioUsing(string conflist)
    {
        string name = Path.GetFileName(conflist);
        return Scenarios.FirstOrDefault(s => File.ReadAllText(s).Contains(name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no bundled scenario uses {name}");
    }

    public static string FindRepo()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (string d in Directory.GetDirectories(from)) Copy(d, Path.Combine(to, Path.GetFileName(d)));
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("NETSIM_KEEP_TEST_OUTPUT") != "1") Directory.Delete(Root, recursive: true);
    }
}
