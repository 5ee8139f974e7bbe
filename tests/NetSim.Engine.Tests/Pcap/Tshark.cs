using System.Diagnostics;

namespace NetSim.Engine.Tests.Pcap;

/// <summary>
/// Runs tshark on a capture and returns one row of fields per frame. Missing tshark is a test failure, not a
/// skip: CI installs it (.ci/run), and a decode test that silently passes proves nothing.
/// </summary>
internal static class Tshark
{
    /// <summary>Preferences every decode uses: VXLAN on Linux's port, all checksums verified, no TCP sequence analysis noise.</summary>
    private static readonly string[] DecodeOptions =
    [
        "-d", "udp.port==8472,vxlan",
        "-o", "ip.check_checksum:TRUE",
        "-o", "tcp.check_checksum:TRUE",
        "-o", "udp.check_checksum:TRUE",
        "-o", "tcp.analyze_sequence_numbers:FALSE",
    ];

    public static string Path { get; } = Find();

    public static List<Dictionary<string, string>> Fields(string pcap, params string[] fields)
    {
        if (Path.Length == 0)
            Assert.Fail("tshark is not installed: the pcap decode tests need it (apt-get install tshark; CI's .ci/run installs it).");

        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["-n", "-r", pcap, .. DecodeOptions, "-T", "fields", "-E", "separator=/t"]) start.ArgumentList.Add(a);
        foreach (string f in fields)
        {
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add(f);
        }

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"tshark did not finish decoding {pcap}");
        }
        Assert.True(process.ExitCode == 0, $"tshark exited with {process.ExitCode}: {stderr.Result}");

        var rows = new List<Dictionary<string, string>>();
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] values = line.TrimEnd('\r').Split('\t');
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < fields.Length; i++) row[fields[i]] = i < values.Length ? values[i] : "";
            rows.Add(row);
        }
        return rows;
    }

    private static string Find()
    {
        const string Debian = "/usr/bin/tshark";
        if (File.Exists(Debian)) return Debian;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator))
        {
            string candidate = System.IO.Path.Combine(dir, "tshark");
            if (dir.Length > 0 && File.Exists(candidate)) return candidate;
        }
        return "";
    }
}
