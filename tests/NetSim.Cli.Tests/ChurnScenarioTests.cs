using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using static NetSim.Cli.Tests.BundledScenarioEndToEndTests;

namespace NetSim.Cli.Tests;

/// <summary>scenarios/rolling-update.yaml and service-churn.yaml through netsim run: the requests a rollout loses, and kube-proxy keeping up with new Services.</summary>
public sealed class ChurnScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-churn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Rolling_update_loses_requests_only_when_pods_exit_before_the_proxies_sync()
    {
        string outDir = Path.Combine(_dir, "ru");
        var (code, stdout, stderr) = Netsim("run", Path.Combine(Repo(), "scenarios", "rolling-update.yaml"), "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var events = CsvTable.Read<EventRow>(Path.Combine(outDir, "events.csv"));
        Assert.Equal(2, events.Count(e => e.Kind == "rollout_complete"));
        Assert.Equal(4, events.Count(e => e.Kind == "cni_del")); // the second rollout's old pods exit after their 1.5 s preStop, by 6.1 s
        // First update (pods exit on SIGTERM): connections DNATed to a pod between its exit and the sync go unanswered.
        // Second (1.5 s preStop, longer than the sync): none. A new pod takes about 0.25 s to Ready (the profile's start
        // path, 90.5 ms to CNI ADD, 64 ms to the container, then the 100 ms readiness), so both old pods exit, web-0 at
        // 0.45 s and web-1 at 0.71 s, before the first sync at 1.01 s (minSyncPeriod after the one at time zero): half
        // the requests (a request every 2 ms) go unanswered from 0.45 s, all of them from 0.71 s: about 64 + 152.
        long lost = CsvTable.Read<GroupSummary>(Path.Combine(outDir, "summary.csv")).Single().UnansweredConnections;
        Assert.InRange(lost, 170, 260);
        string firstOnly = Path.Combine(_dir, "ru-first");
        (code, stdout, stderr) = Netsim("run", Path.Combine(Repo(), "scenarios", "rolling-update.yaml"), "--out", firstOnly, "--no-charts", "--set", "duration=3900ms", "--set", "events[1].at=3890ms");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Equal(lost, CsvTable.Read<GroupSummary>(Path.Combine(firstOnly, "summary.csv")).Single().UnansweredConnections);
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "timeline.png")));
    }

    [Fact]
    public void Service_churn_syncs_take_longer_as_services_grow_and_new_services_wait_for_them()
    {
        string outDir = Path.Combine(_dir, "sc");
        var (code, stdout, stderr) = Netsim("run", Path.Combine(Repo(), "scenarios", "service-churn.yaml"), "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var syncs = CsvTable.Read<ProxySyncRow>(Path.Combine(outDir, "proxy_syncs.csv"));
        // minSyncPeriod 1 s: syncs at 1 s and 2 s carry ~900 and ~1,000 new Services each.
        Assert.Equal([1000.0, 2000.0], syncs.Select(s => s.StartMs));
        Assert.True(syncs[1].ServicePorts > syncs[0].ServicePorts);
        Assert.True(syncs[1].SyncMs > 2 * syncs[0].SyncMs, "iptables-restore grows faster than the table");
        Assert.All(syncs, s => Assert.True(s.FirstPacketMs > s.SyncMs));
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "proxy-sync.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "timeline.png")));
    }
}
