using System.Globalization;
using System.Text;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// A sweep cut into <see cref="Shards"/> shards for a cluster's batch scheduler: each task runs
/// `netsim sweep SWEEP --shard I/N --out RESULTS/shard-I --resume --no-charts --jobs 1` on one core, writing to
/// storage every task sees, and `netsim sweep merge` puts the shards back together afterwards.
/// <see cref="SweepPath"/> is the sweep file as the task sees it (relative to its working directory: /netsim in the
/// image, which holds the repository's scenarios/ and profiles/).
/// </summary>
public sealed record ClusterSweep(string SweepName, string SweepPath, int Shards, int Parallelism, string Image, string VolumeClaim, bool ExactCosts)
{
    /// <summary>Where the results volume is mounted in a Kubernetes pod.</summary>
    public const string ResultsMount = "/results";

    /// <summary>The scheduler's name for the task's index, as the task's shell or container spec writes it: "$(JOB_COMPLETION_INDEX)".</summary>
    public IReadOnlyList<string> TaskArguments(string index, string resultsDir)
    {
        var args = new List<string> { "sweep", SweepPath, "--shard", $"{index}/{Shards.ToString(CultureInfo.InvariantCulture)}", "--out", $"{resultsDir}/shard-{index}", "--resume", "--no-charts", "--jobs", "1" };
        if (ExactCosts) args.Add("--exact-costs");
        return args;
    }

    /// <summary>The merge command for the shards under <paramref name="resultsDir"/> (a shell glob).</summary>
    public static string MergeCommand(string resultsDir) => $"netsim sweep merge {resultsDir}/shard-* --out {resultsDir}/merged";

    /// <summary>A DNS-1123 label for the Job (lowercase letters, digits and '-'; short enough for the pods' hostnames).</summary>
    public string JobName
    {
        get
        {
            var b = new StringBuilder("netsim-sweep-");
            foreach (char c in SweepName.ToLowerInvariant()) b.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-');
            string name = b.ToString();
            while (name.Contains("--", StringComparison.Ordinal)) name = name.Replace("--", "-", StringComparison.Ordinal);
            // Indexed Job pods are named JOB-INDEX-RANDOM and their hostnames JOB-INDEX: 63 characters in all.
            return (name.Length > 48 ? name[..48] : name).TrimEnd('-');
        }
    }

    /// <summary>The directory the shards go to, under the results volume or the Slurm job's working directory.</summary>
    public string ResultsDirectory(string root) => $"{root}/{JobName}";
}
