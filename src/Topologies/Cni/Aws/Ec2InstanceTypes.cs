using System.Globalization;
using System.Reflection;

namespace NetSim.Topologies.Cni.Aws;

/// <summary>
/// The 1,391 instance types of the VPC CNI's limits table (vpc-ip-limits.csv, embedded; its source and licence are
/// in this folder's README), read once.
/// </summary>
public static class Ec2InstanceTypes
{
    private static readonly Lazy<SortedDictionary<string, Ec2InstanceType>> Table = new(Load);

    public static IReadOnlyDictionary<string, Ec2InstanceType> All => Table.Value;

    public static bool TryFind(string name, out Ec2InstanceType type) => All.TryGetValue(name, out type!);

    /// <summary>The lines of an embedded file of this folder (the limits CSV, eni-max-pods.txt).</summary>
    public static IEnumerable<string> ResourceLines(string fileName)
    {
        var asm = typeof(Ec2InstanceTypes).Assembly;
        string resource = asm.GetManifestResourceNames().Single(n => n.EndsWith("." + fileName, StringComparison.Ordinal));
        using var reader = new StreamReader(asm.GetManifestResourceStream(resource)!);
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static SortedDictionary<string, Ec2InstanceType> Load()
    {
        var types = new SortedDictionary<string, Ec2InstanceType>(StringComparer.Ordinal);
        foreach (string line in ResourceLines("vpc-ip-limits.csv"))
        {
            if (line.StartsWith('#') || line.StartsWith("instance_type,", StringComparison.Ordinal) || line.Length == 0) continue;
            string[] f = line.Split(',');
            types.Add(f[0], new Ec2InstanceType(f[0], Int(f[1]), Int(f[2]), Int(f[4]), Int(f[5]), f[6], f[7] == "true"));
        }
        return types;
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
}
