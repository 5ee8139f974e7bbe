using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using NetSim.Cli.CommandLine;

namespace NetSim.Cli.Tests;

/// <summary>
/// Every example in every command's --help and every netsim command line in the README, run as written by the real
/// netsim binary, in a working directory that sees the repository's scenarios/ and profiles/ (so outputs such as
/// results/... and my.yaml land there, not in the repository).
/// </summary>
public sealed partial class DocumentedExamplesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-examples-").FullName;

    public DocumentedExamplesTests()
    {
        foreach (string d in new[] { "scenarios", "profiles", "docs" })
            Directory.CreateSymbolicLink(Path.Combine(_dir, d), Path.Combine(CalibrateCommandTests.Repo(), d));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The examples as the help prints them: the lines under EXAMPLES:, in the order of the commands.</summary>
    public static List<string> HelpExamples()
    {
        var examples = new List<string>();
        foreach (var (spec, _) in NetsimApp.Commands)
        {
            var (code, help, _) = CliHarness.Run(new FormulaRunner(), spec.Name, "--help");
            Assert.Equal(0, code);
            var lines = help.Split('\n');
            int start = Array.FindIndex(lines, l => l.StartsWith("EXAMPLES:", StringComparison.Ordinal));
            Assert.True(start >= 0, $"{spec.Name} --help has no examples");
            examples.AddRange(lines.Skip(start + 1).TakeWhile(l => l.Trim().Length > 0).Select(l => l.Trim()));
        }
        return examples;
    }

    /// <summary>The README's netsim command lines: in ```bash blocks, "netsim ..." or "dotnet run --project src/Cli -c Release -- ...".</summary>
    public static List<string> ReadmeExamples()
    {
        string readme = File.ReadAllText(Path.Combine(CalibrateCommandTests.Repo(), "README.md"));
        var examples = new List<string>();
        foreach (Match block in BashBlock().Matches(readme))
            foreach (string raw in block.Groups[1].Value.Split('\n'))
            {
                string line = Regex.Replace(raw, @"\s+#.*$", "").Trim();
                if (line.StartsWith("dotnet run --project src/Cli -c Release -- ", StringComparison.Ordinal))
                    examples.Add("netsim " + line["dotnet run --project src/Cli -c Release -- ".Length..]);
                else if (line.StartsWith("netsim ", StringComparison.Ordinal)) examples.Add(line);
            }
        return examples;
    }

    [Fact]
    public void Every_documented_example_runs_as_written()
    {
        var help = HelpExamples();
        var readme = ReadmeExamples();
        Assert.True(help.Count >= 20, $"only {help.Count} help examples found");
        Assert.NotEmpty(readme);
        var failures = new List<string>();
        // netsim testbed needs root and the machine's namespaces to itself; TestbedSmokeTests runs its --quick example.
        foreach (string example in readme.Concat(help).Where(e => !e.StartsWith("netsim testbed", StringComparison.Ordinal)))
        {
            var (code, output) = Netsim(Words(example));
            if (code != 0) failures.Add($"exit {code}: {example}\n{output}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void The_readme_test_command_installs_what_the_tests_need()
    {
        string readme = File.ReadAllText(Path.Combine(CalibrateCommandTests.Repo(), "README.md"));
        var first = BashBlock().Match(readme).Groups[1].Value.Split('\n').Where(l => l.Trim().Length > 0).Take(2).ToList();
        Assert.StartsWith("dotnet run --project src/Cli -c Release -- compare scenarios/overlay-overhead.yaml", first[0], StringComparison.Ordinal);
        Assert.StartsWith("bash .ci/run", first[1], StringComparison.Ordinal);
        string ci = File.ReadAllText(Path.Combine(CalibrateCommandTests.Repo(), ".ci", "run"));
        foreach (string package in new[] { "tshark", "chromium" }) Assert.Contains($"\ninstall {package} {package}\n", ci, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_in_the_repository_points_outside_it()
    {
        string repo = CalibrateCommandTests.Repo();
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(repo, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(repo, file);
            if (rel.Split(Path.DirectorySeparatorChar).Any(p => p is ".git" or "bin" or "obj" or "TestResults") || rel.EndsWith(".png", StringComparison.Ordinal)) continue;
            if (rel == Path.Combine("tests", "NetSim.Cli.Tests", "DocumentedExamplesTests.cs")) continue;
            string text = File.ReadAllText(file);
            if (text.Contains("/work/shared", StringComparison.Ordinal) || text.Contains("../shared", StringComparison.Ordinal)) offenders.Add(rel);
        }
        Assert.Empty(offenders);
    }

    /// <summary>A command line split as a POSIX shell would ('single quotes' keep their content).</summary>
    public static string[] Words(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '\'') { quoted = !quoted; any = true; continue; }
            if (c == ' ' && !quoted)
            {
                if (any) words.Add(current.ToString());
                current.Clear();
                any = false;
                continue;
            }
            current.Append(c);
            any = true;
        }
        if (any) words.Add(current.ToString());
        Assert.Equal("netsim", words[0]);
        return [.. words.Skip(1)];
    }

    private (int Code, string Output) Netsim(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netsim.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stderr + stdout.Result[..Math.Min(stdout.Result.Length, 2000)]);
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
