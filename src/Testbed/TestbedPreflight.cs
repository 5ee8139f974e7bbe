namespace NetSim.Testbed;

/// <summary>
/// What this machine can run, found by trying it: root, ip netns, the tools (iperf3, sockperf, taskset, nice, setsid), and
/// in a probe namespace a bridge, a VXLAN device and each iptables backend's nat table. A missing essential stops the
/// testbed with the reason; a missing feature skips only the rows that need it, with a clear message.
/// </summary>
public sealed record TestbedPreflight(string? Unavailable, bool Bridge, bool Vxlan, IReadOnlyList<IptablesBackend> Backends, IReadOnlyList<string> Notes)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const string Probe = TestbedNames.Prefix + "probe";

    public bool CanRun => Unavailable is null;

    public static TestbedPreflight Check(ProcessRunner runner)
    {
        if (!OperatingSystem.IsLinux()) return Fail("the testbed needs Linux network namespaces");
        var id = runner.Run("id", ["-u"], Timeout);
        if (!id.Succeeded || id.Stdout.Trim() != "0") return Fail("the testbed needs root (creating network namespaces and links); run it as root");
        foreach (string tool in new[] { "ip", "iperf3", "sockperf", "taskset", "nice", "setsid" })
            if (!runner.Run("sh", ["-c", $"command -v {tool}"], Timeout).Succeeded)
                return Fail($"{tool} is not installed (Debian: apt-get install iproute2 iperf3 sockperf util-linux)");
        if (runner.Run("ip", ["netns", "add", Probe], Timeout) is not { Succeeded: true })
            return Fail("ip netns add failed: network namespaces are not available here");
        try
        {
            var notes = new List<string>();
            bool bridge = Try(runner, notes, "bridge", "ip", "-n", Probe, "link", "add", "probebr", "type", "bridge");
            bool vxlan = Try(runner, notes, "vxlan", "ip", "-n", Probe, "link", "add", "probevx", "type", "vxlan", "id", "1", "dstport", "8472", "local", "198.18.0.1");
            bool veth = Try(runner, notes, "veth", "ip", "-n", Probe, "link", "add", "probev0", "type", "veth", "peer", "name", "probev1");
            if (!veth) return Fail("cannot create a veth pair (kernel without CONFIG_VETH)");
            var backends = new List<IptablesBackend>();
            foreach (var b in IptablesBackend.All)
            {
                string list = b.RestoreCommand.Replace("-restore", "", StringComparison.Ordinal);
                if (Try(runner, notes, $"iptables {b.Name} backend ({list})", "ip", "netns", "exec", Probe, list, "-t", "nat", "-L", "-n")) backends.Add(b);
            }
            return new TestbedPreflight(null, bridge, vxlan, backends, notes);
        }
        finally
        {
            runner.Run("ip", ["netns", "del", Probe], Timeout);
        }
    }

    private static bool Try(ProcessRunner runner, List<string> notes, string feature, string file, params string[] args)
    {
        var r = runner.Run(file, args, Timeout);
        if (!r.Succeeded) notes.Add($"{feature} unavailable ({r.FirstErrorLine}): its rows are skipped");
        return r.Succeeded;
    }

    private static TestbedPreflight Fail(string reason) => new(reason, false, false, [], []);
}
