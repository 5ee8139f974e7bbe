using System.Globalization;
using System.Net;
using NetSim.Engine.Costs;
using NetSim.Experiments.Running;
using NetSim.Topologies.Scenarios;

namespace NetSim.Testbed;

/// <summary>
/// One testbed run on this machine: waits for any other run to finish (<see cref="TestbedLock"/>), checks what it
/// can do, removes an earlier run's leftovers, writes the scenarios, builds each path in network namespaces and
/// measures its rows round by round, tears everything down (also on Ctrl+C), and writes measurements.csv in
/// calibrate's format. <see cref="TestbedFit"/> then fits and predicts.
/// </summary>
public sealed class TestbedRun
{
    private readonly TestbedOptions _options;
    private readonly Action<string> _log;
    private readonly ProcessRunner _runner = new();
    private readonly CpuPinning _pinning = CpuPinning.Default;

    public TestbedRun(TestbedOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
    }

    /// <summary>Every command the run executed, in order.</summary>
    public IReadOnlyList<string> Commands => _runner.Log;

    /// <summary>Rows that failed (with --keep-going), each with its reason.</summary>
    public List<string> Failures { get; } = new();

    /// <summary>Measures every planned row; returns them (also written to OUT/measurements.csv), or null when the machine cannot run the testbed (the reason is logged).</summary>
    public TestbedResult? Measure()
    {
        // One run at a time on this machine (without root the preflight below says why nothing runs).
        using var machineLock = Environment.IsPrivilegedProcess ? TestbedLock.Acquire(TimeSpan.FromMinutes(30), _log) : null;
        var preflight = TestbedPreflight.Check(_runner);
        if (!preflight.CanRun)
        {
            _log($"testbed unavailable: {preflight.Unavailable}");
            return null;
        }
        foreach (string n in preflight.Notes) _log(n);
        using var guard = new CleanupGuard(_runner, _log);
        var leftovers = NamespaceTopology.RemoveLeftovers(_runner);
        if (leftovers.Count > 0) _log($"removed what an earlier run left behind: {string.Join(", ", leftovers)}");

        var machine = TestbedMachine.ThisOne();
        Directory.CreateDirectory(_options.OutDir);
        foreach (var path in TestbedPath.All)
            File.WriteAllText(Path.Combine(_options.OutDir, TestbedScenarios.FileName(path)), TestbedScenarios.Path(path, machine, _pinning));
        File.WriteAllText(Path.Combine(_options.OutDir, TestbedScenarios.RulesFile), TestbedScenarios.Rules(machine, _pinning));

        var plan = PlannedMeasurement.For(_options.Quick, preflight, _log);
        var profile = CostProfileLoader.Load(_options.BaseProfile);
        var runs = plan.ToDictionary(p => p.Id, _ => new List<double>(), StringComparer.Ordinal);
        var commands = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = plan.GroupBy(p => (p.Path, p.Mtu, p.Backend, p.Services)).ToList();
        int rounds = _options.EffectiveRepetitions;
        // Round by round, each round measuring every row once: a machine whose other load comes and goes then
        // spreads that load over all rows alike instead of over whichever rows ran while it lasted.
        for (int round = 1; round <= rounds; round++)
        {
            _log($"round {round} of {rounds}");
            foreach (var group in groups)
            {
                if (guard.Interrupted) throw new OperationCanceledException("interrupted");
                MeasureGroup([.. group], profile, runs, commands);
            }
        }
        var rows = plan.Where(p => runs[p.Id].Count > 0)
            .Select(p => new TestbedMeasurement(p.Id, p.Setup, p.Scenario, p.Path.Datapath, p.Sets, p.Metric, p.Unit, runs[p.Id], p.Fit, commands[p.Id]))
            .ToList();
        guard.Cleanup();
        var left = NamespaceTopology.Leftovers(_runner);
        if (left.Count > 0) throw new TestbedException($"namespaces left behind after cleanup: {string.Join(", ", left)}");
        if (rows.Count == 0) throw new TestbedException("no measurement succeeded");
        string csv = Path.Combine(_options.OutDir, "measurements.csv");
        File.WriteAllText(csv, MeasurementSetWriter.Write(rows, machine));
        File.WriteAllLines(Path.Combine(_options.OutDir, "commands.log"), _runner.Log);
        return new TestbedResult(rows, csv, machine, [.. Failures]);
    }

    /// <summary>Builds one topology, measures each of its rows once (adding to <paramref name="runs"/>) and tears it down.</summary>
    private void MeasureGroup(IReadOnlyList<PlannedMeasurement> group, CostProfile profile, Dictionary<string, List<double>> runs, Dictionary<string, string> commands)
    {
        var topology = new NamespaceTopology(_runner);
        try
        {
            var first = group[0];
            var scenario = ScenarioInput.Load("testbed", Path.Combine(_options.OutDir, first.Scenario),
                first.Sets.Where(s => !s.StartsWith("services", StringComparison.Ordinal) && !s.StartsWith("traffic", StringComparison.Ordinal)), null, first.Path.Datapath);
            var addresses = TestbedAddressPlan.From(scenario, profile);
            topology.Build(first.Path, addresses);
            if (first.Kind == MeasurementKind.ConnectionSetup) LoadRules(first, addresses);
            foreach (var m in group)
            {
                try
                {
                    var (value, command) = Measure(m, addresses);
                    runs[m.Id].Add(value);
                    commands[m.Id] = command;
                    _log($"  {m.Id} = {value.ToString("0.###", CultureInfo.InvariantCulture)} {m.Unit} ({m.Setup})");
                }
                catch (TestbedException e) when (_options.KeepGoing)
                {
                    Failures.Add($"{m.Id}: {e.Message}");
                    _log($"  {m.Id} failed (going on): {e.Message}");
                }
            }
        }
        catch (TestbedException e) when (_options.KeepGoing)
        {
            Failures.Add($"{string.Join(", ", group.Select(g => g.Id))}: {e.Message}");
            _log($"  failed (going on): {e.Message}");
        }
        finally
        {
            _runner.KillAll();
            topology.Teardown();
        }
    }

    private void LoadRules(PlannedMeasurement m, TestbedAddressPlan addresses)
    {
        var loader = new IptablesRuleLoader(_runner);
        var server = addresses.Pods[TestbedNames.ServerPod];
        string ruleset = IptablesRuleLoader.Ruleset(m.Services, NetSim.Engine.Addressing.Ipv4Prefix.Parse(TestbedScenarios.ServiceCidr), server.Address, SockperfRunner.Port);
        for (int n = 0; n < 2; n++)
        {
            loader.Load(TestbedNames.Node(n), m.Backend!, ruleset);
            int count = loader.Count(TestbedNames.Node(n), m.Backend!);
            if (count < m.Services) throw new TestbedException($"{m.Backend!.Name}: node{n + 1} lists {count} rules after loading {m.Services} Services");
        }
    }

    /// <summary>One measurement of row <paramref name="m"/> on its built topology, and the command that made it.</summary>
    private (double Value, string Command) Measure(PlannedMeasurement m, TestbedAddressPlan addresses)
    {
        string clientNs = NamespaceTopology.NamespaceOf(m.Path, addresses, TestbedNames.ClientPod);
        string serverNs = NamespaceTopology.NamespaceOf(m.Path, addresses, m.Path.Server);
        string server = addresses.Pods[m.Path.Server].Address.ToString();
        switch (m.Kind)
        {
            case MeasurementKind.Stream:
                var iperf = new Iperf3Runner(_runner, _pinning);
                return (iperf.Run(serverNs, clientNs, server, m.Streams, _options.StreamSeconds).ReceivedBitsPerSecond / 1e9,
                    iperf.ClientCommand(clientNs, server, m.Streams, _options.StreamSeconds));
            case MeasurementKind.RequestResponse:
                var sockperf = new SockperfRunner(_runner, _pinning);
                var rrServer = sockperf.StartServer(serverNs, server);
                try
                {
                    return (sockperf.PingPong(clientNs, server, TestbedScenarios.RrMessageBytes, _options.RrSeconds).P50Us,
                        sockperf.PingPongCommand(clientNs, server, TestbedScenarios.RrMessageBytes, _options.RrSeconds));
                }
                finally
                {
                    _runner.Stop(rrServer);
                }
            default:
                var listener = new SockperfRunner(_runner, _pinning);
                var endpoint = new IPEndPoint(IPAddress.Parse(server), SockperfRunner.Port);
                string connects = $"connect() from {clientNs} to {server}:{SockperfRunner.Port} ({_options.Connections} connections after {ConnectProbe.WarmupConnections} warm-up, " +
                    $"thread pinned to CPU {_pinning.Core} at nice {_pinning.Nice}, its session's autogroup too; listener: {ProcessRunner.CommandLine("ip", [.. _pinning.Prefix(serverNs), "sockperf", "server", "--tcp", "-i", server])}; " +
                    $"rules: {m.Backend!.RestoreCommand} of {m.Services} KUBE-SERVICES rules on both nodes)";
                var crrServer = listener.StartServer(serverNs, server);
                try
                {
                    return (Median(ConnectProbe.Measure(clientNs, endpoint, _options.Connections, _pinning, TimeSpan.FromSeconds(60))), connects);
                }
                finally
                {
                    _runner.Stop(crrServer);
                }
        }
    }

    private static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}

/// <summary>What the measuring part of a run produced: the rows, the CSV they were written to, the machine, and the rows that failed.</summary>
public sealed record TestbedResult(IReadOnlyList<TestbedMeasurement> Rows, string CsvPath, TestbedMachine Machine, IReadOnlyList<string> Failures);
