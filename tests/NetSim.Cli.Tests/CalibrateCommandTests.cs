using NetSim.Engine.Costs;
using NetSim.Topologies.Build;

namespace NetSim.Cli.Tests;

/// <summary>netsim calibrate with the real runner on a small copy of the reference set: bad input, byte reproducibility.</summary>
public sealed class CalibrateCommandTests : IDisposable
{
    private const string Header = "id,setup,scenario,datapath,set,metric,published,unit,tolerance_pct,fit,source";
    private const string IntraHostRow = "slim.intra.host.rr,Slim intra-host: host mode,slim-intra-host.yaml,host,,rr.p50_us,5.9,us,15,yes,pm §2 [READ]";

    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-calibrate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string Repo()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    private string Measurements(params string[] rows)
    {
        File.Copy(Path.Combine(Repo(), "scenarios", "reference", "slim-intra-host.yaml"), Path.Combine(_dir, "slim-intra-host.yaml"), overwrite: true);
        string path = Path.Combine(_dir, "m.csv");
        File.WriteAllText(path, string.Join("\n", [Header, .. rows]) + "\n");
        return path;
    }

    private static string BaseProfile => Path.Combine(Repo(), "profiles", "estimates.yaml");

    private static (int Code, string Stdout, string Stderr) Netsim(params string[] args) =>
        CliHarness.Run(new ClusterSimulation(), args);

    [Fact]
    public void The_same_inputs_write_the_same_bytes_and_the_profile_loads_with_its_fit_recorded()
    {
        string csv = Measurements(IntraHostRow);
        string a = Path.Combine(_dir, "a.yaml"), b = Path.Combine(_dir, "b.yaml");
        var first = Netsim("calibrate", csv, "--profile", BaseProfile, "--fit", "tcp.receive", "--iterations", "2", "--out", a);
        var second = Netsim("calibrate", csv, "--profile", BaseProfile, "--fit", "tcp.receive", "--iterations", "2", "--out", b);
        Assert.True(first.Code == 0, first.Stderr + first.Stdout);
        Assert.Equal(0, second.Code);
        string textA = File.ReadAllText(a).Replace("a.yaml", "OUT", StringComparison.Ordinal).Replace("name: a", "name: OUT", StringComparison.Ordinal);
        string textB = File.ReadAllText(b).Replace("b.yaml", "OUT", StringComparison.Ordinal).Replace("name: b", "name: OUT", StringComparison.Ordinal);
        Assert.Equal(textA, textB);
        var profile = CostProfileLoader.Load(a);
        Assert.StartsWith("fitted by netsim calibrate to m.csv", profile.Sources["tcp.receive"], StringComparison.Ordinal);
        Assert.Contains("--fit tcp.receive", textA, StringComparison.Ordinal);
        Assert.Contains("Rows: slim.intra.host.rr", textA, StringComparison.Ordinal);
        // Everything not fitted is the base profile's.
        var start = CostProfileLoader.Load(BaseProfile);
        Assert.Equal(start.Raw["tcp.transmit"], profile.Raw["tcp.transmit"]);
        Assert.Contains("residuals", first.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Tied_keys_move_together_and_keep_their_base_ratio()
    {
        string csv = Measurements(IntraHostRow);
        string output = Path.Combine(_dir, "tied.yaml");
        var (code, stdout, stderr) = Netsim("calibrate", csv, "--profile", BaseProfile, "--fit", "tcp.receive+tcp.transmit", "--iterations", "2", "--out", output);
        Assert.True(code == 0, stderr + stdout);
        var start = CostProfileLoader.Load(BaseProfile);
        var fitted = CostProfileLoader.Load(output);
        Assert.NotEqual(start.Raw["tcp.receive"].FixedPs, fitted.Raw["tcp.receive"].FixedPs);
        double ratio = (double)start.Raw["tcp.transmit"].FixedPs / start.Raw["tcp.receive"].FixedPs;
        Assert.Equal(fitted.Raw["tcp.receive"].FixedPs * ratio, fitted.Raw["tcp.transmit"].FixedPs, 0);
        Assert.Contains("tied to tcp.receive", fitted.Sources["tcp.transmit"], StringComparison.Ordinal);
        Assert.Contains("tcp.receive+tcp.transmit:fixed_ns", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp.recieve", "unknown key 'tcp.recieve' (did you mean 'tcp.receive'?)")]
    [InlineData("tcp.receive:per_bite_ns", "a cost's field is fixed_ns or per_byte_ns")]
    [InlineData("tcp.receive,tcp.receive", "names tcp.receive:fixed_ns twice")]
    [InlineData("tcp.receive,tcp.transmit+tcp.receive", "names tcp.receive:fixed_ns twice")]
    [InlineData("tcp.receive+socket.copy", "tied keys must be costs fitted in the same field")]
    [InlineData("tcp.receive+tcp.receive", "names a key twice")]
    [InlineData("tcp.receive+nic.rx_latency", "tied keys must be costs fitted in the same field")]
    [InlineData("nic.rx_latency+tcp.receive", "tied keys must be costs fitted in the same field")]
    public void An_unknown_fit_key_is_bad_input_and_writes_nothing(string fit, string expected)
    {
        string csv = Measurements(IntraHostRow);
        string output = Path.Combine(_dir, "never.yaml");
        var (code, _, stderr) = Netsim("calibrate", csv, "--profile", BaseProfile, "--fit", fit, "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("x,Slim,missing.yaml,host,,rr.p50_us,5.9,us,15,yes,pm", "m.csv:2: scenario: no scenario file 'missing.yaml'")]
    [InlineData("x,Slim,slim-intra-host.yaml,hots,,rr.p50_us,5.9,us,15,yes,pm", "m.csv:2: datapath: 'hots' is not a datapath (did you mean 'host'?)")]
    [InlineData("x,Slim,slim-intra-host.yaml,host,,rr.p50_sec,5.9,us,15,yes,pm", "m.csv:2: metric: unknown metric 'p50_sec'")]
    [InlineData("x,Slim,slim-intra-host.yaml,host,,rr.p50_us,fast,us,15,yes,pm", "m.csv:2: published: 'fast' is not a number")]
    [InlineData("x,Slim,slim-intra-host.yaml,host,,rr.p50_us,5.9,us,15,maybe,pm", "m.csv:2: fit: 'maybe' is not yes or no")]
    [InlineData("x,Slim,slim-intra-host.yaml,host,,rr.p50_us,5.9,us,15", "m.csv:2: expected 11 columns")]
    [InlineData("x,Slim,slim-intra-host.yaml,host,cluster.nodez=3,rr.p50_us,5.9,us,15,yes,pm", "m.csv:2: scenario: slim-intra-host.yaml (host, cluster.nodez=3)")]
    [InlineData("x,Slim,slim-intra-host.yaml,host,,web.p50_us,5.9,us,15,yes,pm", "m.csv:2: metric: slim-intra-host.yaml has no traffic group 'web'")]
    public void A_malformed_measurements_row_names_its_line_and_column(string row, string expected)
    {
        string csv = Measurements(row);
        string output = Path.Combine(_dir, "never.yaml");
        var (code, _, stderr) = Netsim("calibrate", csv, "--profile", BaseProfile, "--fit", "tcp.receive", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_measurements_file_with_a_wrong_header_is_bad_input()
    {
        string path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "id,setup,scenario\nx,y,z\n");
        var (code, _, stderr) = Netsim("calibrate", path, "--profile", BaseProfile, "--fit", "tcp.receive", "--out", Path.Combine(_dir, "o.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("bad.csv:1: datapath: the header must be id,setup,scenario,datapath", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// --mean-costs fits the model check-reference runs (variability's mechanisms kept, nothing drawn): its objective
    /// before fitting is the mean-cost run's, which differs from --exact-costs' (no wakeups, fixed moderation) on a
    /// round trip; both together are refused.
    /// </summary>
    [Fact]
    public void Mean_costs_fit_keeps_the_variability_mechanisms_that_exact_costs_drops()
    {
        string csv = Measurements(IntraHostRow);
        string mean = Path.Combine(_dir, "mean.yaml"), exact = Path.Combine(_dir, "exact.yaml");
        string profile = Path.Combine(Repo(), "profiles", "default.yaml");
        var m = Netsim("calibrate", csv, "--profile", profile, "--fit", "tcp.receive", "--iterations", "1", "--mean-costs", "--out", mean);
        var e = Netsim("calibrate", csv, "--profile", profile, "--fit", "tcp.receive", "--iterations", "1", "--exact-costs", "--out", exact);
        Assert.True(m.Code == 0, m.Stderr + m.Stdout);
        Assert.True(e.Code == 0, e.Stderr + e.Stdout);
        static string Before(string path) => File.ReadLines(path).First(l => l.Contains("before,", StringComparison.Ordinal));
        Assert.NotEqual(Before(mean), Before(exact));
        var both = Netsim("calibrate", csv, "--profile", profile, "--fit", "tcp.receive", "--mean-costs", "--exact-costs", "--out", Path.Combine(_dir, "x.yaml"));
        Assert.Equal(2, both.Code);
        Assert.Contains("exclude each other", both.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_options_are_bad_input()
    {
        string csv = Measurements(IntraHostRow);
        Assert.Contains("--fit KEY[,KEY...] is required", Netsim("calibrate", csv, "--profile", BaseProfile, "--out", "x.yaml").Stderr, StringComparison.Ordinal);
        Assert.Contains("--out NEW.yaml is required", Netsim("calibrate", csv, "--profile", BaseProfile, "--fit", "tcp.receive").Stderr, StringComparison.Ordinal);
        Assert.Contains("no cost profile 'nope'", Netsim("calibrate", csv, "--profile", "nope", "--fit", "tcp.receive", "--out", "x.yaml").Stderr, StringComparison.Ordinal);
    }
}
