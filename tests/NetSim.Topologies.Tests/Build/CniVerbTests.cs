using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The CNI verbs reachable from a scenario: a failed ADD fails that pod (the run goes on), CHECK compares the pod's
/// addresses and routes with the cached result, VERSION lists what each plugin supports and libcni's validation
/// refuses a list a plugin cannot speak.
/// </summary>
public class CniVerbTests
{
    /// <summary>host-local over .10-.13 of the node's /24: four addresses (the plugin's own range options).</summary>
    private const string SmallRange = """
        {"cniVersion":"1.0.0","name":"small-net","plugins":[
         {"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":false,
          "ipam":{"type":"host-local","ranges":[[{"subnet":"10.244.0.0/24","rangeStart":"10.244.0.10","rangeEnd":"10.244.0.13"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
         {"type":"portmap","capabilities":{"portMappings":true}}]}
        """;

    private static string Folder(string conflist)
    {
        string dir = Directory.CreateTempSubdirectory("netsim-verbs").FullName;
        File.WriteAllText(Path.Combine(dir, "net.conflist"), conflist);
        return Path.Combine(dir, "verbs.yaml");
    }

    private static string Scenario(int replicas, string events = "") => $$"""
        name: verbs
        seed: 3
        duration: 20ms
        warmup: 2ms
        cluster:
          nodes: { count: 1, cores: 2 }
        cni: { datapath: bridge, conflist: net.conflist }
        workloads:
          - { name: web, replicas: {{replicas}} }
        traffic:
          - { name: rr, kind: rr, from: pod:web-0, to: pod:web-1 }
          - { name: to-last, kind: rr, from: pod:web-0, to: pod:web-{{replicas - 1}} }
        {{events}}
        """;

    [Fact]
    public void More_pods_than_the_ipam_range_fail_with_host_locals_error_and_the_rest_run()
    {
        string file = Folder(SmallRange);
        var s = ScenarioLoader.Parse(Scenario(6), file);
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        Assert.Equal(["10.244.0.10", "10.244.0.11", "10.244.0.12", "10.244.0.13"], c.Pods.Select(p => p.Address.ToString()));
        Assert.Equal(["web-4", "web-5"], c.SandboxFailures.Select(f => f.Pod.Name));
        Assert.All(c.SandboxFailures, f =>
        {
            Assert.Equal(CniException.Internal, f.Code); // host-local returns a plain error: skel reports it as 999
            Assert.Equal("failed to allocate for range 0: no IP addresses available in range set: 10.244.0.10-10.244.0.13", f.Message);
            Assert.Null(c.Nodes[0].Runtime!.Result(f.Pod)); // nothing cached, no netns left behind
        });

        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation.ToString());
        var rr = Assert.Single(r.Groups); // the group to web-5 cannot start: web-5 has no sandbox
        Assert.True(rr.Application.Transactions > 0);
        Assert.Equal(["web-4", "web-5"], r.Timeline.Where(t => t.Kind == "cni_add_failed").Select(t => t.Target));
        Assert.Contains(r.Timeline, t => t.What.Contains("CNI error 999: failed to allocate for range 0", StringComparison.Ordinal));
        Assert.Contains(r.Notes, n => n.StartsWith("traffic to-last not started: pod web-5", StringComparison.Ordinal));
    }

    [Fact]
    public void A_range_that_fits_every_pod_fails_none()
    {
        var s = ScenarioLoader.Parse(Scenario(4), Folder(SmallRange));
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        Assert.Empty(c.SandboxFailures);
        Assert.Equal(4, c.Pods.Count);
    }

    [Fact]
    public void Check_passes_on_an_untouched_pod_and_detects_a_deleted_route_and_a_removed_address()
    {
        var s = ScenarioLoader.Parse(Scenario(2), Folder(SmallRange));
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var runtime = c.Nodes[0].Runtime!;
        var pod = c.Pods[1];
        runtime.CheckPodSandbox(pod.Placed);

        var route = pod.Namespace.Routes.Routes.Single(x => x.Prefix.Length == 0);
        pod.Namespace.Routes.Remove(route); // ip route del default: the result's 0.0.0.0/0 is gone
        var e = Assert.Throws<CniException>(() => runtime.CheckPodSandbox(pod.Placed));
        Assert.Equal(CniException.Internal, e.Code);
        Assert.StartsWith("Expected Route {Dst:0.0.0.0/0", e.Msg, StringComparison.Ordinal);

        pod.Namespace.Routes.Add(route);
        runtime.CheckPodSandbox(pod.Placed);
        var eth0 = pod.Namespace.Devices.Single(d => d.Name == "eth0");
        Assert.True(pod.Namespace.RemoveAddress(eth0, pod.Address));
        e = Assert.Throws<CniException>(() => runtime.CheckPodSandbox(pod.Placed));
        Assert.Equal($"Failed to match addr {pod.Address}/24 on interface eth0", e.Msg);
    }

    [Fact]
    public void Check_of_a_pod_whose_add_failed_is_unknown_container()
    {
        var s = ScenarioLoader.Parse(Scenario(5), Folder(SmallRange));
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var e = Assert.Throws<CniException>(() => c.Nodes[0].Runtime!.CheckPodSandbox(c.SandboxFailures[0].Pod));
        Assert.Equal(CniException.UnknownContainer, e.Code);
    }

    [Fact]
    public void A_cni_check_event_records_the_outcome_on_the_timeline()
    {
        string events = """
            events:
              - { at: 5ms, kind: cni_check, pod: web-0 }
              - { at: 6ms, kind: cni_check, pod: web-4 }
            """;
        var s = ScenarioLoader.Parse(Scenario(5, events), Folder(SmallRange));
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        var checks = r.Timeline.Where(t => t.Kind == "cni_check").ToList();
        Assert.Equal(2, checks.Count);
        Assert.Contains("passed", checks[0].What, StringComparison.Ordinal);
        Assert.Contains("failed with CNI error 3", checks[1].What, StringComparison.Ordinal);
        Assert.Equal(5_000_000_000L, checks[0].AtPs);
    }

    [Theory]
    [InlineData("{ at: 5ms, kind: cni_check }", "pod")]
    [InlineData("{ at: 5ms, kind: cni_check, pod: nope-0 }", "pod")]
    public void A_bad_cni_check_event_is_an_input_error_naming_the_field(string item, string field)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Scenario(2, "events:\n  - " + item), Folder(SmallRange)));
        Assert.Equal(field, e.Field.Split('.')[^1]);
    }

    [Fact]
    public void A_cni_check_event_reads_back_from_the_written_scenario()
    {
        string file = Folder(SmallRange);
        string yaml = Scenario(2, "events:\n  - { at: 5ms, kind: cni_check, pod: web-1 }").Replace(", conflist: net.conflist", "", StringComparison.Ordinal);
        var s = ScenarioLoader.Parse(yaml, file);
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), file);
        Assert.Equal(s.Events.Select(e => e with { Line = 0 }), again.Events.Select(e => e with { Line = 0 }));
    }

    [Fact]
    public void Version_lists_every_version_each_plugin_supports_and_validation_accepts_the_list()
    {
        var s = ScenarioLoader.Parse(Scenario(2), Folder(SmallRange));
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var runtime = c.Nodes[0].Runtime!;
        var v = runtime.PluginVersion("bridge");
        Assert.Equal("1.1.0", v["cniVersion"]!.GetValue<string>());
        Assert.Equal(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"], v["supportedVersions"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["bridge", "host-local", "portmap"], runtime.ValidateNetwork());
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.Contains(r.Notes, n => n.StartsWith("CNI VERSION: network small-net runs cniVersion 1.0.0; bridge, host-local, portmap support 0.1.0", StringComparison.Ordinal));
    }

    /// <summary>A plugin binary older than the list: VERSION says 0.4.0 at most, so libcni refuses a 1.0.0 list.</summary>
    private sealed class OldPlugin : ICniPlugin
    {
        public string Type => "old";
        public CniResult Add(CniRequest request) => new();
        public void Del(CniRequest request) { }
        public void Check(CniRequest request) { }
        public IReadOnlyList<string> SupportedVersions => ["0.3.0", "0.3.1", "0.4.0"];
    }

    [Fact]
    public void Validation_refuses_a_list_whose_version_a_plugin_does_not_support()
    {
        var rt = new CniRuntime(new CniPluginRegistry().Add(new OldPlugin()));
        var e = Assert.Throws<CniException>(() => rt.ValidateNetworkList(NetworkConfigList.Parse("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"old"}]}""")));
        Assert.Equal(CniException.IncompatibleVersion, e.Code);
        Assert.Equal("plugin old does not support config version \"1.0.0\"", e.Msg);
        Assert.Equal(["old"], rt.ValidateNetworkList(NetworkConfigList.Parse("""{"cniVersion":"0.4.0","name":"n","plugins":[{"type":"old"}]}""")));
        Assert.True(e.IsConfigurationError);
    }

    [Fact]
    public void Ipam_exhaustion_is_a_pod_outcome_and_a_bad_config_is_input()
    {
        Assert.False(new CniException(CniException.Internal, "no IP addresses available").IsConfigurationError);
        Assert.False(new CniException(CniException.TryAgainLater, "no available IP/Prefix addresses").IsConfigurationError);
        Assert.True(new CniException(CniException.InvalidNetworkConfig, "bad").IsConfigurationError);
        Assert.True(new CniException(CniException.DecodeFailure, "bad").IsConfigurationError);
    }
}
