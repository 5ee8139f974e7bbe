using NetSim.Reporting.Csv;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// shard.csv, what a shard's directory says about itself so that merge can tell whether shards belong together:
/// which shard of how many, the whole sweep's size, the SHA-256 of the sweep file and of its scenario file as the
/// shard read them, the costs (drawn or exact) and the netsim version that ran it.
/// </summary>
public sealed record ShardManifest(int Shard, int Shards, int Points, int Replications, string SweepSha256, string ScenarioSha256, string Costs, string Version)
{
    public const string FileName = "shard.csv";

    public SweepShard Slice() => new(Shard, Shards);

    public void Write(string dir)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        CsvTable.Write(text, [this]);
        SweepStore.WriteWhole(Path.Combine(dir, FileName), text.ToString());
    }

    /// <summary>DIR's shard manifest; bad input (naming DIR) when it has none or it does not read as one.</summary>
    public static ShardManifest Read(string command, string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw CommandInputError.Of(command, $"{dir} is not a sweep shard (no {FileName}; run 'netsim sweep SWEEP --shard I/N --out {dir}')");
        try
        {
            var rows = CsvTable.Read<ShardManifest>(path);
            if (rows.Count == 1 && rows[0].Shards is >= 1 and <= SweepShard.MaxCount && rows[0].Shard >= 0 && rows[0].Shard < rows[0].Shards) return rows[0];
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or ArgumentException or IndexOutOfRangeException or CsvHelper.CsvFormatException or InvalidOperationException or System.Reflection.TargetInvocationException or OverflowException)
        {
            // Reported below, as any other damage.
        }
        throw CommandInputError.Of(command, $"{path} is damaged (expected one row: shard, shards, points, replications, sweep_sha256, scenario_sha256, costs, version)");
    }
}
