using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>Pod and Service events are checked against the scenario before anything runs: one error naming file, line and field.</summary>
public class ChurnEventInputTests
{
    private const string Base = """
        name: churn
        duration: 100ms
        cluster:
          nodes: { count: 3 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: web, replicas: 2, ports: [{ name: http, port: 8080 }] }
          - { name: agent, kind: DaemonSet }
        services:
          - { name: web, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
          - { name: hl, type: Headless, selector: { app: web }, ports: [{ port: 80 }] }
        """;

    private static Scenario Parse(string events) => ScenarioLoader.Parse(Base + "\n" + events, "c.yaml");

    [Fact]
    public void Pod_and_service_events_read_with_their_fields_and_round_trip()
    {
        var s = Parse("""
            events:
              - { at: 10ms, kind: pod_delete, pod: web-1 }
              - { at: 20ms, kind: scale, workload: web, replicas: 4, readiness_delay: 5ms }
              - { at: 30ms, kind: rolling_update, workload: web, max_surge: 2, shutdown_delay: 3s }
              - { at: 40ms, kind: service_add, service: web, count: 500, rate: 1000 }
              - { at: 90ms, kind: service_remove, service: web, count: 2 }
            """);
        var roll = s.Events[2];
        // max_unavailable defaults to 25 % of the Deployment's 2 replicas, rounded down (apps/v1).
        Assert.Equal((2, 0), (roll.MaxSurge, roll.MaxUnavailable));
        Assert.Equal(SimTime.FromSeconds(3), roll.ShutdownDelay);
        Assert.Equal(SimTime.FromSeconds(30), roll.TerminationGracePeriod);
        Assert.Equal(4, s.Events[1].Replicas);
        Assert.Equal(SimTime.FromMilliseconds(5), s.Events[1].ReadinessDelay);
        Assert.Equal((500, 1000.0), (s.Events[3].Count, s.Events[3].Rate));
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "w.yaml");
        Assert.Equal(s.Events.Select(e => e with { Line = 0 }), again.Events.Select(e => e with { Line = 0 }));
    }

    [Theory]
    [InlineData("{ at: 1ms, kind: pod_delete }", "events[0].pod", "required")]
    [InlineData("{ at: 1ms, kind: pod_delete, pod: web-7 }", "events[0].pod", "does not exist")]
    [InlineData("{ at: 1ms, kind: pod_delete, pod: api-0 }", "events[0].pod", "not a pod of a Deployment")]
    [InlineData("{ at: 1ms, kind: pod_delete, pod: agent-0 }", "events[0].pod", "DaemonSet")]
    [InlineData("{ at: 1ms, kind: scale, workload: api, replicas: 3 }", "events[0].workload", "not a Deployment")]
    [InlineData("{ at: 1ms, kind: scale, workload: web }", "events[0].replicas", "required")]
    [InlineData("{ at: 1ms, kind: scale, replicas: 3 }", "events[0].workload", "required")]
    [InlineData("{ at: 1ms, kind: scale, workload: web, replicas: -1 }", "events[0].replicas", "")]
    [InlineData("{ at: 1ms, kind: rolling_update, workload: web, max_surge: 0, max_unavailable: 0 }", "events[0].max_surge", "both be 0")]
    [InlineData("{ at: 1ms, kind: rolling_update, workload: web, surge: 1 }", "events[0].surge", "")]
    [InlineData("{ at: 1ms, kind: service_add, service: api }", "events[0].service", "not a Service")]
    [InlineData("{ at: 1ms, kind: service_add, service: hl }", "events[0].service", "no ClusterIP")]
    [InlineData("{ at: 1ms, kind: service_add, service: web, count: 0 }", "events[0].count", "")]
    [InlineData("{ at: 1ms, kind: service_remove, service: web, count: 2 }", "events[0].count", "more than the 1")]
    [InlineData("{ at: 200ms, kind: scale, workload: web, replicas: 3 }", "events[0].at", "not before the end of the run")]
    public void Bad_churn_events_name_file_line_and_field(string evt, string field, string problem)
    {
        var e = Assert.Throws<InputException>(() => Parse("events:\n  - " + evt));
        Assert.Equal("c.yaml", e.File);
        Assert.Equal(13, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pod_replaced_by_an_earlier_deletion_cannot_be_deleted_again()
    {
        var e = Assert.Throws<InputException>(() => Parse("events:\n  - { at: 1ms, kind: pod_delete, pod: web-0 }\n  - { at: 2ms, kind: pod_delete, pod: web-0 }"));
        Assert.Equal((14, "events[1].pod"), (e.Line, e.Field));
        Assert.Contains("web-1, web-2", e.Message, StringComparison.Ordinal); // the replacement took the next index
    }

    private const string DenyPolicy = "\nnetwork_policies:\n  - { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: deny, namespace: default }, spec: { podSelector: {}, policyTypes: [Ingress] } }\n";

    [Fact]
    public void Pod_churn_with_network_policies_is_accepted()
    {
        var s = ScenarioLoader.Parse(Base + DenyPolicy + "events:\n  - { at: 1ms, kind: scale, workload: web, replicas: 3 }", "c.yaml");
        Assert.Equal(ClusterEvent.Scale, s.Events.Single().Kind);
    }

    [Theory]
    [InlineData("{ at: 1ms, kind: policy_add, policy: nope }", "events[0].policy", "not a policy")]
    [InlineData("{ at: 1ms, kind: policy_add }", "events[0].policy", "is required")]
    [InlineData("{ at: 1ms, kind: policy_add, policy: default/deny }\n  - { at: 2ms, kind: policy_add, policy: deny }", "events[1].kind", "exists already")]
    [InlineData("{ at: 1ms, kind: policy_remove, policy: deny }\n  - { at: 2ms, kind: policy_remove, policy: deny }", "events[1].kind", "does not exist")]
    public void Bad_policy_events_are_refused_naming_the_field(string events, string field, string problem)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(Base + DenyPolicy + "events:\n  - " + events, "c.yaml"));
        Assert.Equal("c.yaml", e.File);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_added_later_is_absent_at_the_start_and_written_back_with_its_event()
    {
        var s = ScenarioLoader.Parse(Base + DenyPolicy + "events:\n  - { at: 1ms, kind: policy_add, policy: deny }", "c.yaml");
        Assert.Equal("default/deny", s.Events.Single().Target);
        Assert.Empty(NetSim.Topologies.Build.Cni.PolicyWiring.InEffectAtStart(s));
        var back = ScenarioLoader.Parse(ScenarioWriter.Write(s), "back.yaml");
        Assert.Equal(s.Events.Single(), back.Events.Single() with { Line = s.Events.Single().Line });
    }
}
