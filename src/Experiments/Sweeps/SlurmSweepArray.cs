using System.Globalization;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// A sweep as a Slurm job array (sbatch --array=0-(N-1)%P): task SLURM_ARRAY_TASK_ID runs shard
/// SLURM_ARRAY_TASK_ID/N on one CPU, in the directory sbatch was called from (shared storage on a cluster), and
/// the merge runs once every task has finished (sbatch --dependency=afterok:JOB).
/// </summary>
public static class SlurmSweepArray
{
    public static string Script(ClusterSweep s)
    {
        string results = s.ResultsDirectory("results");
        string args = string.Join(" ", s.TaskArguments("${SLURM_ARRAY_TASK_ID}", "${RESULTS}").Select(Quote));
        string n = s.Shards.ToString(CultureInfo.InvariantCulture);
        string p = s.Parallelism.ToString(CultureInfo.InvariantCulture), last = (s.Shards - 1).ToString(CultureInfo.InvariantCulture);
        return $$"""
            #!/bin/bash
            # netsim sweep {{s.SweepPath}}: {{n}} shards as a Slurm job array, at most {{p}} tasks at once.
            #   jid=$(sbatch --parsable THIS_FILE)
            #   sbatch --dependency=afterok:$jid --wrap '{{ClusterSweep.MergeCommand(results)}}'
            # NETSIM overrides the command (default: netsim on the PATH; e.g. NETSIM="dotnet /opt/netsim/netsim.dll").
            #SBATCH --job-name={{s.JobName}}
            #SBATCH --array=0-{{last}}%{{p}}
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            #SBATCH --output={{s.JobName}}-%A_%a.out
            set -euo pipefail
            : "${SLURM_ARRAY_TASK_ID:?run this script with sbatch (it is a job array)}"
            RESULTS={{results}}
            mkdir -p "$RESULTS"
            exec ${NETSIM:-netsim} {{args}}

            """;
    }

    /// <summary>A word for bash: as is when it is plain or a ${VARIABLE} reference inside double quotes.</summary>
    private static string Quote(string word) =>
        word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:".Contains(c, StringComparison.Ordinal)) ? word
        : word.Contains('$', StringComparison.Ordinal) ? $"\"{word}\""
        : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
