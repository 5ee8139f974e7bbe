using System.Text.Json.Nodes;
using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Tests.Cni;

/// <summary>The runtime's chain semantics from the CNI spec (reference §1.1-1.2).</summary>
public class CniRuntimeTests
{
    /// <summary>A plugin that records what it was called with and adds an interface on ADD.</summary>
    private sealed class Recorder(string type, List<string> log, bool failAdd = false) : ICniPlugin
    {
        public string Type => type;
        public List<JsonObject> Configs { get; } = new();

        public CniResult Add(CniRequest r)
        {
            log.Add($"ADD {type}");
            Configs.Add(r.Config);
            if (failAdd) throw new CniException(CniException.TryAgainLater, $"{type} failed");
            var result = r.PrevResult?.Clone() ?? new CniResult();
            result.Interfaces.Add(new CniInterface(type, "00:00:00:00:00:0" + result.Interfaces.Count));
            return result;
        }

        public void Del(CniRequest r)
        {
            log.Add($"DEL {type} prev={r.PrevResult?.Interfaces.Count ?? -1}");
        }

        public void Check(CniRequest r) => log.Add($"CHECK {type}");
    }

    private static readonly CniArgs Args = new("ADD", "c1", "/var/run/netns/blue", "eth0");

    private static (CniRuntime, List<string>, Recorder[]) Setup(bool failSecond = false, bool disableCheck = false)
    {
        var log = new List<string>();
        var plugins = new[] { new Recorder("a", log), new Recorder("b", log, failSecond), new Recorder("c", log) };
        var reg = new CniPluginRegistry();
        foreach (var p in plugins) reg.Add(p);
        return (new CniRuntime(reg), log, plugins);
    }

    private static NetworkConfigList Net(bool disableCheck = false) => NetworkConfigList.Parse(
        "{\"cniVersion\":\"1.0.0\",\"cniVersions\":[\"0.4.0\",\"1.1.0\"],\"name\":\"dbnet\",\"disableCheck\":" +
        (disableCheck ? "true" : "false") +
        ",\"plugins\":[{\"type\":\"a\",\"custom\":{\"keep\":1}},{\"type\":\"b\",\"capabilities\":{\"portMappings\":true,\"bandwidth\":false}},{\"type\":\"c\"}]}");

    [Fact]
    public void Add_runs_forward_passing_each_result_on_and_del_runs_in_reverse()
    {
        var (rt, log, plugins) = Setup();
        var net = Net();
        var result = rt.Add(net, Args);
        Assert.Equal(["a", "b", "c"], result.Interfaces.Select(i => i.Name));
        rt.Check(net, Args);
        rt.Del(net, Args);
        Assert.Equal(["ADD a", "ADD b", "ADD c", "CHECK a", "CHECK b", "CHECK c", "DEL c prev=3", "DEL b prev=3", "DEL a prev=3"], log);
        Assert.Null(plugins[0].Configs[0]["prevResult"]);
        Assert.NotNull(plugins[1].Configs[0]["prevResult"]);
    }

    [Fact]
    public void Request_config_gets_version_name_and_runtime_config_and_keeps_unknown_keys()
    {
        var (rt, _, plugins) = Setup();
        rt.CapabilityArgs["portMappings"] = JsonNode.Parse("""[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]""")!;
        rt.CapabilityArgs["bandwidth"] = JsonNode.Parse("""{"ingressRate":1000}""")!;
        rt.Add(Net(), Args);
        var a = plugins[0].Configs[0];
        Assert.Equal("1.1.0", a["cniVersion"]!.GetValue<string>()); // the highest of cniVersion ∪ cniVersions
        Assert.Equal("dbnet", a["name"]!.GetValue<string>());
        Assert.Equal(1, a["custom"]!["keep"]!.GetValue<int>());
        var b = plugins[1].Configs[0];
        Assert.Null(b["capabilities"]);
        Assert.Equal(8080, b["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!.GetValue<int>());
        Assert.Null(b["runtimeConfig"]!["bandwidth"]); // declared false: not passed
    }

    [Fact]
    public void A_failing_add_halts_the_chain_and_is_followed_by_del()
    {
        var (rt, log, _) = Setup(failSecond: true);
        var e = Assert.Throws<CniException>(() => rt.Add(Net(), Args));
        Assert.Equal(CniException.TryAgainLater, e.Code);
        Assert.Equal(["ADD a", "ADD b", "DEL c prev=1", "DEL b prev=1", "DEL a prev=1"], log);
        Assert.Null(rt.CachedResult("dbnet", "c1", "eth0"));
    }

    [Fact]
    public void Check_is_skipped_when_disabled_and_refused_before_add()
    {
        var (rt, log, _) = Setup();
        Assert.Equal(CniException.UnknownContainer, Assert.Throws<CniException>(() => rt.Check(Net(), Args)).Code);
        rt.Add(Net(disableCheck: true), Args);
        log.Clear();
        rt.Check(Net(disableCheck: true), Args);
        Assert.Empty(log);
    }

    [Theory]
    [InlineData("", "eth0", CniException.UnknownContainer, "missing containerID")]
    [InlineData("1234%%%", "eth0", CniException.InvalidEnvironment, "invalid characters in containerID")]
    [InlineData("c1", "testnamemorethan16", CniException.InvalidEnvironment, "interface name is too long")]
    [InlineData("c1", "eth:0", CniException.InvalidEnvironment, "interface name contains : at 3")]
    public void Bad_parameters_give_the_spec_codes(string container, string ifName, int code, string msg)
    {
        var (rt, _, _) = Setup();
        var e = Assert.Throws<CniException>(() => rt.Add(Net(), new CniArgs("ADD", container, "/var/run/netns/x", ifName)));
        Assert.Equal(code, e.Code);
        Assert.Equal(msg, e.Msg);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"","plugins":[{"type":"a"}]}""", CniException.InvalidNetworkConfig)]
    [InlineData("""{"cniVersion":"1.0.0","name":"-bad","plugins":[{"type":"a"}]}""", CniException.InvalidNetworkConfig)]
    [InlineData("""{"cniVersion":"9.9.9","name":"n","plugins":[{"type":"a"}]}""", CniException.IncompatibleVersion)]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[]}""", CniException.InvalidNetworkConfig)]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"a","runtimeConfig":{}}]}""", CniException.InvalidNetworkConfig)]
    [InlineData("""{not json""", CniException.DecodeFailure)]
    public void Bad_configuration_lists_are_rejected_with_their_code(string json, int code) =>
        Assert.Equal(code, Assert.Throws<CniException>(() => NetworkConfigList.Parse(json)).Code);

    [Fact]
    public void Results_take_the_shape_of_their_version()
    {
        var r = new CniResult();
        r.Ips.Add(new CniIp("10.1.0.5/16", "10.1.0.1", 2));
        Assert.Equal("4", r.ToJson("0.4.0")["ips"]![0]!["version"]!.GetValue<string>());
        Assert.Null(r.ToJson("1.0.0")["ips"]![0]!["version"]);
    }

    [Fact]
    public void An_unknown_plugin_type_is_not_available()
    {
        var (rt, _, _) = Setup();
        var net = NetworkConfigList.Parse("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"nosuch"}]}""");
        Assert.Equal(CniException.PluginNotAvailable, Assert.Throws<CniException>(() => rt.Add(net, Args)).Code);
    }
}
