using System.Globalization;
using NetSim.Topologies.Build;

namespace NetSim.Cli.Tests;

/// <summary>
/// netsim check-reference --cross-validate with the real runner: two sources that measured the same setup at different
/// values, so each held-out prediction must come out at the other source's figure and the joint fit between them.
/// </summary>
public sealed class CrossValidationCommandTests : IDisposable
{
    private const string Header = "id,setup,scenario,datapath,set,metric,published,unit,tolerance_pct,fit,source";
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-xval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Measurements(params string[] rows)
    {
        File.Copy(Path.Combine(CalibrateCommandTests.Repo(), "scenarios", "reference", "slim-intra-host.yaml"), Path.Combine(_dir, "slim-intra-host.yaml"), overwrite: true);
        string path = Path.Combine(_dir, "m.csv");
        File.WriteAllText(path, string.Join("\n", [Header, .. rows]) + "\n");
        return path;
    }

    private static string BaseProfile => Path.Combine(CalibrateCommandTests.Repo(), "profiles", "estimates.yaml");

    private static (int Code, string Stdout, string Stderr) Netsim(params string[] args) => CliHarness.Run(new ClusterSimulation(), args);

    private static string Row(string id, double published) =>
        string.Create(CultureInfo.InvariantCulture, $"{id},Slim intra-host: host mode,slim-intra-host.yaml,host,,rr.p50_us,{published},us,15,yes,test");

    /// <summary>The held-out and in-sample values of a row in the Markdown table.</summary>
    private static (double InSample, double HeldOut) Cells(string markdown, string id)
    {
        string line = markdown.Split('\n').First(l => l.StartsWith($"| {id} |", StringComparison.Ordinal));
        var cells = line.Split('|', StringSplitOptions.TrimEntries);
        return (double.Parse(cells[3], CultureInfo.InvariantCulture), double.Parse(cells[4], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Each_source_is_predicted_by_the_fit_to_the_other()
    {
        string csv = Measurements(Row("a.host.rr", 5.9), Row("b.host.rr", 7.0));
        var (code, stdout, stderr) = Netsim("check-reference", csv, "--cross-validate", "--profile", BaseProfile, "--fit", "tcp.receive", "--iterations", "4", "--markdown");
        Assert.True(code is 0 or 1, stderr);
        var a = Cells(stdout, "a.host.rr");
        var b = Cells(stdout, "b.host.rr");
        // Left out, a is predicted by the fit to b alone (7.0), and b by the fit to a (5.9): one number, one setup.
        Assert.InRange(a.HeldOut, 7.0 * 0.97, 7.0 * 1.03);
        Assert.InRange(b.HeldOut, 5.9 * 0.97, 5.9 * 1.03);
        // The joint fit lands between the two; both rows read the same run, so the same number.
        Assert.Equal(a.InSample, b.InSample);
        Assert.InRange(a.InSample, 5.9, 7.0);
        // a held out is 7.0 against 5.9 (+18.6 %); b is 5.9 against 7.0 (-15.7 %): both within 20 %, so the check passes.
        Assert.Equal(0, code);
        Assert.Contains("2 of 2 sources predicted within 20 %", stdout, StringComparison.Ordinal);
        Assert.Contains("| tcp.receive:fixed_ns |", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_predicted_more_than_20_percent_off_fails_the_check()
    {
        string csv = Measurements(Row("a.host.rr", 5.0), Row("b.host.rr", 7.0));
        var (code, stdout, _) = Netsim("check-reference", csv, "--cross-validate", "--profile", BaseProfile, "--fit", "tcp.receive", "--iterations", "4", "--markdown");
        Assert.Equal(1, code);
        Assert.Contains("| a |", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fit", "tcp.receive", "--fit is used only with --cross-validate")]
    [InlineData("--iterations", "3", "--iterations is used only with --cross-validate")]
    [InlineData("--cross-validate", "--markdown", "--cross-validate needs --fit")]
    public void Cross_validation_options_are_checked(string option, string value, string expected)
    {
        string csv = Measurements(Row("a.host.rr", 5.9), Row("b.host.rr", 7.0));
        var (code, _, stderr) = Netsim("check-reference", csv, option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void One_source_cannot_be_cross_validated()
    {
        string csv = Measurements(Row("a.host.rr", 5.9), Row("a.host2.rr", 7.0));
        var (code, _, stderr) = Netsim("check-reference", csv, "--cross-validate", "--fit", "tcp.receive", "--profile", BaseProfile);
        Assert.Equal(2, code);
        Assert.Contains("at least two sources", stderr, StringComparison.Ordinal);
    }
}
