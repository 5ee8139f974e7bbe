using System.Globalization;
using System.Text;

namespace NetSim.Bench;

/// <summary>
/// Issue 20's traffic-group scale: two nodes, a client pod and a server pod, and N TCP_RR groups between them, run
/// for 1 µs, so what is measured is what grows with the groups (parse, check, build, collect, report) and not the
/// simulation. Written to a file, because `netsim run` reads one.
/// </summary>
internal static class TrafficGroupScenario
{
    public static string Yaml(int groups)
    {
        var y = new StringBuilder();
        y.Append(CultureInfo.InvariantCulture, $$"""
            name: groups-{{groups}}
            seed: 1
            duration: 1us
            cluster:
              nodes: { count: 2, cores: 4 }
            workloads:
              - { name: client, placement: pinned, nodes: [node1] }
              - { name: server, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
            traffic:

            """);
        for (int i = 0; i < groups; i++) y.Append(CultureInfo.InvariantCulture, $"  - {{ name: g{i}, kind: rr, from: pod:client, to: pod:server }}\n");
        return y.ToString();
    }

    public static string Write(int groups)
    {
        string path = Path.Combine(Path.GetTempPath(), $"netsim-groups-{groups}.yaml");
        File.WriteAllText(path, Yaml(groups));
        return path;
    }
}
