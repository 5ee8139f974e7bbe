using System.Globalization;

namespace NetSim.Testbed;

/// <summary>What one row measures: a stream (N iperf3 pairs at an MTU), TCP_RR (sockperf), or connection setup against N Services' rules.</summary>
public enum MeasurementKind
{
    Stream,
    RequestResponse,
    ConnectionSetup,
}

/// <summary>One planned measurement: its kind, path and parameters, and whether the local fit uses it.</summary>
public sealed record PlannedMeasurement(MeasurementKind Kind, TestbedPath Path, int Mtu, int Streams, IptablesBackend? Backend, int Services, bool Fit)
{
    public string Id => Kind switch
    {
        MeasurementKind.Stream => string.Create(CultureInfo.InvariantCulture, $"tb.{Path.Name}.stream{Streams}.mtu{Mtu}"),
        MeasurementKind.RequestResponse => string.Create(CultureInfo.InvariantCulture, $"tb.{Path.Name}.rr.mtu{Mtu}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"tb.rules.{Backend!.Name}.{Services}"),
    };

    public string Setup => Kind switch
    {
        MeasurementKind.Stream => string.Create(CultureInfo.InvariantCulture, $"testbed {Path.Name}, MTU {Mtu}, {Streams} stream{(Streams > 1 ? "s" : "")}"),
        MeasurementKind.RequestResponse => string.Create(CultureInfo.InvariantCulture, $"testbed {Path.Name}, MTU {Mtu}, TCP_RR {TestbedScenarios.RrMessageBytes} B"),
        _ => string.Create(CultureInfo.InvariantCulture, $"testbed host-gw connect, {Services:#,0} Services' rules, iptables-{Backend!.Name}"),
    };

    /// <summary>The --set overrides of the row's simulation.</summary>
    public IReadOnlyList<string> Sets
    {
        get
        {
            var sets = new List<string>();
            if (Mtu != 1500) sets.Add(string.Create(CultureInfo.InvariantCulture, $"cluster.nic.mtu={Mtu}"));
            if (Streams > 1) sets.Add(string.Create(CultureInfo.InvariantCulture, $"traffic[0].streams={Streams}"));
            if (Kind == MeasurementKind.ConnectionSetup)
            {
                sets.Add($"kube_proxy.iptables_backend={Backend!.Name}");
                sets.Add(Services == 0 ? "services=[]" : string.Create(CultureInfo.InvariantCulture, $"services[0].count={Services}"));
            }
            return sets;
        }
    }

    public string Scenario => Kind == MeasurementKind.ConnectionSetup ? TestbedScenarios.RulesFile : TestbedScenarios.FileName(Path);

    public string Metric => Kind switch
    {
        MeasurementKind.Stream => "stream.goodput_gbps",
        MeasurementKind.RequestResponse => "rr.p50_us",
        _ => "crr.connect_p50_us",
    };

    public string Unit => Kind == MeasurementKind.Stream ? "Gbit/s" : "us";

    /// <summary>
    /// The rows: on every path 1 and 4 streams at MTU 1500 and 9000 and TCP_RR; connection setup over host-gw with
    /// 0..10,000 Services' rules per backend. The fit uses one row per mechanism (<see cref="FittedMechanism"/>); the
    /// rest are predictions. Quick keeps fewer rows: one or two predictions of each kind.
    /// </summary>
    public static List<PlannedMeasurement> For(bool quick, TestbedPreflight machine, Action<string> log)
    {
        var rows = new List<PlannedMeasurement>();
        foreach (var path in TestbedPath.All)
        {
            if (path.HasPods && !machine.Bridge) { log($"skipping {path.Name}: no Linux bridge on this kernel"); continue; }
            if (path.IsVxlan && !machine.Vxlan) { log("skipping vxlan: no VXLAN devices on this kernel"); continue; }
            rows.Add(new(MeasurementKind.Stream, path, 1500, 1, null, 0, false));
            rows.Add(new(MeasurementKind.RequestResponse, path, 1500, 1, null, 0, false));
            if (quick)
            {
                if (path == TestbedPath.HostGw) rows.Add(new(MeasurementKind.Stream, path, 1500, 4, null, 0, false));
                if (path == TestbedPath.Host) rows.Add(new(MeasurementKind.Stream, path, 9000, 1, null, 0, false));
                continue;
            }
            rows.Add(new(MeasurementKind.Stream, path, 1500, 4, null, 0, false));
            rows.Add(new(MeasurementKind.Stream, path, 9000, 1, null, 0, false));
            rows.Add(new(MeasurementKind.Stream, path, 9000, 4, null, 0, false));
        }
        if (machine.Bridge)
        {
            if (machine.Backends.Count == 0) log("skipping connection setup against iptables rules: neither iptables backend works here");
            foreach (var backend in quick ? machine.Backends.Take(1) : machine.Backends)
                foreach (int n in quick ? new[] { 0, FittedMechanism.RuleFitCount(quick) } : new[] { 0, 1000, 3000, 10000 })
                    rows.Add(new(MeasurementKind.ConnectionSetup, TestbedPath.HostGw, 1500, 1, backend, n, false));
        }
        var fitted = FittedMechanism.For(quick, rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal)).Select(m => m.RowId).ToHashSet(StringComparer.Ordinal);
        return rows.Select(r => fitted.Contains(r.Id) ? r with { Fit = true } : r).ToList();
    }
}
