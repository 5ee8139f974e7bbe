using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Manifests;

/// <summary>
/// Kubernetes manifests as scenario input: the objects NetSim models become workloads and Services with the API's own
/// semantics, the ones without a network effect are read past with a note, and everything else is refused at its
/// file, document and field.
/// </summary>
public sealed class ManifestReaderTests : IDisposable
{
    private const string Cluster = """
        name: m
        duration: 10ms
        cluster:
          nodes: { count: 3 }
        cni: { datapath: calico-bgp }
        manifests: [app]
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: "service:web:80" }
        """;

    private const string App = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, namespace: shop }
        spec:
          replicas: 4
          selector: { matchLabels: { app: web } }
          template:
            metadata: { labels: { app: web, tier: front } }
            spec:
              containers:
                - name: nginx
                  image: nginx
                  ports: [{ name: http, containerPort: 8080 }, { containerPort: 9090, protocol: UDP }]
                - name: sidecar
                  image: envoy
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: web, namespace: shop }
        spec:
          type: NodePort
          selector: { app: web }
          sessionAffinity: ClientIP
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }
          externalTrafficPolicy: Local
          ports: [{ port: 80, targetPort: http, nodePort: 30080 }]
        ---
        apiVersion: v1
        kind: Pod
        metadata: { name: client }
        spec:
          nodeName: node3
          containers: [{ name: curl, image: curl }]
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: { name: agent, namespace: kube-system }
        spec:
          selector: { matchLabels: { k8s-app: agent } }
          template:
            metadata: { labels: { k8s-app: agent } }
            spec:
              hostNetwork: true
              containers: [{ name: agent, image: agent }]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: { name: settings }
        data: { a: b }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-manifests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Scenario Load(string app, string cluster = Cluster)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "app"));
        File.WriteAllText(Path.Combine(_dir, "app", "app.yaml"), app);
        File.WriteAllText(Path.Combine(_dir, "cluster.yaml"), cluster);
        return ScenarioLoader.Load(Path.Combine(_dir, "cluster.yaml"));
    }

    private InputException Refused(string app) => Assert.Throws<InputException>(() => Load(app));

    [Fact]
    public void Workloads_take_the_pod_templates_labels_ports_and_containers()
    {
        var s = Load(App);
        var web = s.Workloads.Single(w => w.Name == "web");
        Assert.Equal(("shop", "Deployment", 4), (web.Namespace, web.Kind, web.Replicas));
        Assert.Equal("front", web.Labels["tier"]);
        Assert.Equal([new PortSpec("http", 8080, "TCP"), new PortSpec("", 9090, "UDP")], web.Ports);
        Assert.Equal(["nginx", "sidecar"], web.Containers);
        Assert.Equal("spread", web.Placement);
    }

    [Fact]
    public void A_bare_pod_is_one_replica_pinned_by_nodeName_and_a_DaemonSet_has_a_pod_per_node()
    {
        var s = Load(App);
        var client = s.Workloads.Single(w => w.Name == "client");
        Assert.Equal((1, "pinned", "default"), (client.Replicas, client.Placement, client.Namespace));
        Assert.Equal(["node3"], client.Nodes);
        var agent = s.Workloads.Single(w => w.Name == "agent");
        Assert.Equal(("DaemonSet", 3, true), (agent.Kind, agent.Replicas, agent.HostNetwork));
    }

    [Fact]
    public void Services_keep_type_selector_ports_affinity_and_traffic_policies()
    {
        var web = Load(App).Services.Single();
        Assert.Equal(("web", "shop", ServiceSpec.NodePort), (web.Name, web.Namespace, web.Type));
        Assert.Equal(new ServicePortSpec("", 80, "http", 30080, "TCP"), web.Ports.Single());
        Assert.Equal(("ClientIP", 60.0, "Local", "Cluster"), (web.SessionAffinity, web.AffinityTimeout.TotalSeconds, web.ExternalTrafficPolicy, web.InternalTrafficPolicy));
    }

    [Fact]
    public void Topology_mode_annotation_and_trafficDistribution_are_read()
    {
        var auto = Load(App.Replace("kind: Service\nmetadata: { name: web, namespace: shop }",
            "kind: Service\nmetadata: { name: web, namespace: shop, annotations: { service.kubernetes.io/topology-mode: Auto } }", StringComparison.Ordinal)).Services.Single();
        Assert.Equal(("Auto", ""), (auto.TopologyMode, auto.TrafficDistribution));
        var close = Load(App.Replace("type: NodePort", "type: NodePort\n  trafficDistribution: PreferSameZone", StringComparison.Ordinal)).Services.Single();
        Assert.Equal(("", "PreferClose"), (close.TopologyMode, close.TrafficDistribution));
        var bad = Refused(App.Replace("type: NodePort", "type: NodePort\n  trafficDistribution: Nearby", StringComparison.Ordinal));
        Assert.EndsWith("spec.trafficDistribution", bad.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Objects_without_a_network_effect_are_noted_not_dropped_silently()
    {
        var s = Load(App);
        Assert.Contains(s.ManifestNotes, n => n.Contains("document 4 (ConfigMap/settings)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_manifests_are_part_of_the_scenarios_hash()
    {
        string before = Load(App).Sha256;
        Assert.NotEqual(before, Load(App.Replace("replicas: 4", "replicas: 5", StringComparison.Ordinal)).Sha256);
    }

    [Fact]
    public void A_headless_service_is_clusterIP_None()
    {
        var s = Load(App.Replace("  type: NodePort\n", "  clusterIP: None\n", StringComparison.Ordinal).Replace(", nodePort: 30080", "", StringComparison.Ordinal));
        Assert.Equal(ServiceSpec.Headless, s.Services.Single().Type);
    }

    [Fact]
    public void A_services_externalIPs_are_read_as_its_external_ips()
    {
        var s = Load(App.Replace("  externalTrafficPolicy: Local\n", "  externalTrafficPolicy: Local\n  externalIPs: [198.51.100.7, 198.51.100.8]\n", StringComparison.Ordinal));
        Assert.Equal([NetSim.Engine.Addressing.Ipv4Address.Parse("198.51.100.7"), NetSim.Engine.Addressing.Ipv4Address.Parse("198.51.100.8")], s.Services.Single().ExternalIps);
    }

    [Theory]
    [InlineData("image: nginx\n", "image: nginx\n          imagePullPolicyy: Always\n", 13, "imagePullPolicyy", "unknown field")]
    [InlineData("type: NodePort", "type: ExternalName", 21, "spec.type", "not modelled")]
    [InlineData("type: NodePort", "type: LoadBalancer\n  allocateLoadBalancerNodePorts: false", 22, "spec.allocateLoadBalancerNodePorts", "not modelled")]
    [InlineData("replicas: 4", "replicas: -1", 5, "spec.replicas", "out of range")]
    [InlineData("selector: { matchLabels: { app: web } }", "selector: { matchLabels: { app: api } }", 6, "spec.selector.matchLabels", "pod template's labels")]
    [InlineData("{ name: http, containerPort: 8080 }", "{ name: http, containerPort: 8080, hostPort: 80 }", 13, "spec.template.spec.containers[0].ports[0].hostPort", "not modelled")]
    [InlineData("nodeName: node3", "nodeName: node9", 32, "spec.nodeName", "does not exist")]
    [InlineData("targetPort: http", "targetPort: htp", 26, "spec.ports[0].targetPort", "no container port named 'htp'")]
    [InlineData("kind: ConfigMap", "kind: Ingress", 47, "kind", "not modelled")]
    [InlineData("metadata: { name: client }", "metadata: { name: web }", 30, "metadata.name", "already defined")]
    [InlineData("selector: { app: web }", "selector: { app: nobody }", 22, "spec.selector", "selects no pods")]
    [InlineData("externalTrafficPolicy: Local", "externalTrafficPolicy: Local\n  externalIPs: [198.51.100]", 26, "spec.externalIPs", "not an IPv4 address")]
    [InlineData("externalTrafficPolicy: Local", "externalTrafficPolicy: Local\n  externalIPs: [10.96.0.40]", 26, "spec.externalIPs", "cluster.service_cidr")]
    public void Bad_manifests_name_the_file_line_document_and_field(string from, string to, int line, string field, string problem)
    {
        var e = Refused(App.Replace(from, to, StringComparison.Ordinal));
        Assert.EndsWith(Path.Combine("app", "app.yaml"), e.File, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
        Assert.StartsWith("document ", e.Field, StringComparison.Ordinal);
        Assert.EndsWith(field, e.Field, StringComparison.Ordinal);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }

    private const string Policies = """
        ---
        apiVersion: v1
        kind: Namespace
        metadata: { name: shop, labels: { team: a } }
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: { name: web-from-team-a, namespace: shop }
        spec:
          podSelector: { matchLabels: { app: web } }
          ingress:
            - from: [{ namespaceSelector: { matchLabels: { team: a } } }]
              ports: [{ port: http }]
        """;

    [Fact]
    public void Namespaces_keep_their_labels_and_NetworkPolicies_are_converted_as_a_scenarios()
    {
        var s = Load(App + "\n" + Policies);
        var shop = s.Namespaces.Single(n => n.Name == "shop");
        Assert.Equal("a", shop.Labels["team"]);
        Assert.Equal("shop", shop.Labels["kubernetes.io/metadata.name"]);
        Assert.Contains(s.Namespaces, n => n.Name == "kube-system"); // a workload's namespace, implied
        var policy = Assert.IsType<NetSim.Topologies.Policy.NetworkPolicy>(s.NetworkPolicies.Single().Policy);
        Assert.Equal(("shop", "web-from-team-a", true, false), (policy.Namespace, policy.Name, policy.IsolatesIngress, policy.IsolatesEgress));
    }

    [Theory]
    [InlineData("ports: [{ port: http }]", "ports: [{ port: http, endPort: 90 }]", "spec.ingress[0].ports[0].endPort")]
    [InlineData("labels: { team: a }", "labels: { kubernetes.io/metadata.name: other }", "metadata.labels")]
    [InlineData("namespace: shop }\nspec:", "namespace: nowhere }\nspec:", "metadata.namespace")]
    public void Bad_policies_and_namespaces_in_manifests_name_the_document_and_field(string from, string to, string field)
    {
        var e = Refused(App + "\n" + Policies.Replace(from, to, StringComparison.Ordinal));
        Assert.EndsWith(Path.Combine("app", "app.yaml"), e.File, StringComparison.Ordinal);
        Assert.StartsWith("document ", e.Field, StringComparison.Ordinal);
        Assert.EndsWith(field, e.Field, StringComparison.Ordinal);
        Assert.True(e.Line > 50, $"line {e.Line}"); // in the policy documents, after the application's
    }

    [Fact]
    public void A_name_in_both_the_scenario_and_a_manifest_is_refused()
    {
        var e = Assert.Throws<InputException>(() => Load(App, Cluster + "\nworkloads: [{ name: web }]\n"));
        Assert.Contains("also defined in the scenario's workloads", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_manifest_path_is_an_error_at_the_scenarios_field()
    {
        var e = Assert.Throws<InputException>(() => Load(App, Cluster.Replace("manifests: [app]", "manifests: [nowhere]", StringComparison.Ordinal)));
        Assert.Equal(("manifests", 6), (e.Field, e.Line));
    }
}
