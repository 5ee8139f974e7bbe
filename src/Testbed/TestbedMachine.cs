using System.Globalization;
using System.Runtime.InteropServices;

namespace NetSim.Testbed;

/// <summary>What the measurements were taken on: kernel, CPU model, core count and one core's L2 (from /proc and /sys).</summary>
public sealed record TestbedMachine(string Kernel, string CpuModel, int Cores, int? L2CacheKiB)
{
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"{CpuModel}, {Cores} cores{(L2CacheKiB is int l2 ? $", {l2} KiB L2 per core" : "")}, Linux {Kernel}");

    public static TestbedMachine ThisOne()
    {
        string kernel = Read("/proc/sys/kernel/osrelease")?.Trim() ?? RuntimeInformation.OSDescription;
        string cpu = Read("/proc/cpuinfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
            ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : "unknown CPU";
        return new TestbedMachine(kernel, cpu, Environment.ProcessorCount, L2KiB());
    }

    /// <summary>The unified level-2 cache of cpu0 ("2048K"), if the kernel lists one.</summary>
    private static int? L2KiB()
    {
        const string dir = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(dir)) return null;
        foreach (string index in Directory.GetDirectories(dir, "index*"))
        {
            if (Read(Path.Combine(index, "level"))?.Trim() != "2" || Read(Path.Combine(index, "type"))?.Trim() is "Instruction") continue;
            string? size = Read(Path.Combine(index, "size"))?.Trim();
            if (size is not null && size.EndsWith('K') && int.TryParse(size[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int kib)) return kib;
        }
        return null;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
