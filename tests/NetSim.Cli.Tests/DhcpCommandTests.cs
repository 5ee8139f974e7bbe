namespace NetSim.Cli.Tests;

/// <summary>
/// scenarios/cni/dhcp-macvlan.yaml runs the story its header tells: web-2's lease on the wire at its ADD, the renewals at
/// T1, a server outage that fails web-3's ADD at the daemon's 208 s resend timeout and takes the other pods' interfaces
/// down once their rebinding fails after expiry, and kubelet's retry that starts web-3 once the server is back.
/// </summary>
public sealed class DhcpCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-dhcp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_bundled_dhcp_scenario_runs_the_story_its_header_tells()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run",
            Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "cni", "dhcp-macvlan.yaml"), "--out", outDir, "--no-charts");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var events = File.ReadAllLines(Path.Combine(outDir, "events.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        double At(string kind, string target) => double.Parse(events.First(e => e[2] == kind && e[3] == target)[1], System.Globalization.CultureInfo.InvariantCulture);
        // web-2: ADD at 5 s + scheduling, sandbox start and CNI ADD (10 + 64 + 16.533 ms); the lease (and so the ADD's end) 26 us later.
        Assert.InRange(At("dhcp_lease_acquired", "web-2") - 5090.533, 0.001, 0.1);
        Assert.Equal(At("dhcp_lease_acquired", "web-2"), At("cni_add", "web-2"));
        Assert.InRange(At("dhcp_lease_renewed", "web-0") - 20_000, 0, 0.1); // T1 of a lease taken at 0
        Assert.Equal(233_090.533, At("cni_add_failed", "web-3"), 3); // 208 s after its ADD began
        Assert.Contains(events, e => e[2] == "cni_add_failed" && e[3] == "web-3" && string.Join(",", e[4..]).Contains("error calling DHCP.Allocate: no more tries", StringComparison.Ordinal));
        Assert.True(At("dhcp_lease_expired", "web-0") > 430_000, "the interface goes down only when a rebinding fails after expiry");
        Assert.True(At("cni_add", "web-3") > At("dhcp_server_up", "dhcp"));
        Assert.Contains(events, e => e[2] == "sandbox_retry" && e[3] == "web-3");
        // Echoes whose send failed on the DOWN eth0 count as transmitted and lost (iputils), so none stays "in flight",
        // and the outage line counts them (the console may wrap a line anywhere) and the silence since the last reply.
        Assert.Matches(@"ping\s+ping:\s+(\d+)\s+packets\s+transmitted,\s+\d+\s+received,\s+\d+\s+lost\s+\([0-9.]+%\s+packet\s+loss\),\s+0\s+in\s+flight", stdout);
        Assert.Matches(@"outage\s+ping:\s+longest\s+delivery\s+gap\s+[1-9]\d{4}\.\d+\s+ms,\s+0\s+retransmission\s+timeouts,\s+\d+\s+of\s+\d+\s+echoes\s+lost", stdout);
    }
}
