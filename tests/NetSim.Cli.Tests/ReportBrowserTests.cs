using PuppeteerSharp;

namespace NetSim.Cli.Tests;

/// <summary>
/// report.html in a real browser (Debian's headless Chromium, which .ci/run installs): the pages of a compare and a
/// sweep load with no console error, show their tables and pictures, and a screenshot of each is kept in the test
/// output (browser-screenshots/); a run's page is checked as HTML.
/// </summary>
public sealed class ReportBrowserTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Scenario(string name) => Path.Combine(CalibrateCommandTests.Repo(), "scenarios", name);

    [Fact]
    public async Task The_reports_of_a_compare_and_a_sweep_render_in_chromium_and_a_runs_has_its_parts()
    {
        string compare = _h.Out("compare"), run = _h.Out("run"), sweep = _h.Out("sweep");
        var c = CliHarness.Run(RunnerFactory.Create(), "compare", Scenario("overlay-overhead.yaml"), "--datapaths", "host,flannel-vxlan,cilium-ebpf",
            "--set", "duration=40ms", "--set", "traffic[0].duration=10ms", "--set", "traffic[1].start=15ms", "--out", compare, "--report");
        Assert.True(c.Code == 0, c.Stderr);
        var r = CliHarness.Run(RunnerFactory.Create(), "run", Scenario("service-nodeport.yaml"), "--set", "duration=30ms", "--out", run, "--report");
        Assert.True(r.Code == 0, r.Stderr);
        _ = _h.ScenarioFile; // the sweep runs the harness scenario
        string sweepFile = _h.Write("modes.sweep.yaml", "scenario: overlay.yaml\nreplications: 2\nparameters:\n  services[0].count: [10, 100, 1000]\n  kube_proxy.mode: [iptables, nftables]\n");
        var s = CliHarness.Run(new FormulaRunner(), "sweep", sweepFile, "--out", sweep, "--report");
        Assert.True(s.Code == 0, s.Stderr);

        // The run's page is the compare's with one datapath (two page loads keep the test short): checked as HTML.
        string runPage = File.ReadAllText(Path.Combine(run, "report.html"));
        foreach (string element in new[] { "<table id=\"summary\">", "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"walk\"", "class=\"topology\"", "<figure class=\"chart\"><svg" })
            Assert.Contains(element, runPage, StringComparison.Ordinal);

        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (bash .ci/run does)");
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    $"--user-data-dir={Directory.CreateTempSubdirectory("netsim-chromium-").FullName}"],
        });
        string shots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "browser-screenshots")).FullName;

        var page = await Load(browser, compare, Path.Combine(shots, "report-compare.png"));
        Assert.Equal(2, await Count(page, "svg.walk"));           // flannel-vxlan and cilium-ebpf side by side
        Assert.Equal(2, await Count(page, "svg.topology"));
        Assert.True(await Count(page, "svg.walk rect.hop") > 40);  // hops of both walks, each a bar
        Assert.True(await Count(page, "figure.chart svg") >= 5);   // every chart inline
        Assert.Equal(1, await Count(page, "table#context"));
        Assert.True(await Count(page, "table#compare-rr tbody tr") == 3);
        Assert.Contains("flannel-vxlan", await page.EvaluateExpressionAsync<string>("document.querySelector('svg.walk title').textContent"), StringComparison.Ordinal);

        page = await Load(browser, sweep, Path.Combine(shots, "report-sweep.png"));
        Assert.Equal(1, await Count(page, "table#sweep"));
        Assert.True(await Count(page, "figure.chart svg") >= 1);
    }

    /// <summary>Opens DIR/report.html with no network, fails on any console error or page error, and saves a full-page screenshot.</summary>
    private static async Task<IPage> Load(IBrowser browser, string dir, string screenshot)
    {
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) errors.Add(e.Message.Text); };
        page.PageError += (_, e) => errors.Add(e.Message);
        page.RequestFailed += (_, e) => errors.Add($"request failed: {e.Request.Url}");
        await page.SetViewportAsync(new ViewPortOptions { Width = 1400, Height = 1000 });
        var response = await page.GoToAsync(new Uri(Path.Combine(dir, "report.html")).AbsoluteUri);
        Assert.True(response is null || response.Ok);
        await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
        Assert.Empty(errors);
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        return page;
    }

    private static Task<int> Count(IPage page, string selector) =>
        page.EvaluateExpressionAsync<int>($"document.querySelectorAll('{selector}').length");
}
