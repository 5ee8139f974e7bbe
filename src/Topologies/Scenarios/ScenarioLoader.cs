using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads a scenario file (YAML) into a <see cref="Scenario"/> with every default filled in, applying "--set"
/// overrides first and validating everything: each error names the file, line and field.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Names (the scenario's, a traffic group's) appear in reports, chart titles and file names, which allow 255 bytes.</summary>
    public const int MaxNameLength = 100;

    public static Scenario Load(string path, IEnumerable<string>? overrides = null, IReadOnlyList<string>? manifests = null)
    {
        return Parse(Engine.Diagnostics.InputFile.ReadText(path, "scenario"), path, overrides, manifests);
    }

    /// <summary>
    /// The scenario run over <paramref name="datapath"/> (--datapath, compare): "cni.datapath=NAME" added to the
    /// overrides, and a conflist the file gives for another datapath's CNI dropped, since it configures that CNI only.
    /// </summary>
    public static Scenario Load(string path, IEnumerable<string>? overrides, string datapath, IReadOnlyList<string>? manifests = null)
    {
        string yaml = Engine.Diagnostics.InputFile.ReadText(path, "scenario");
        var sets = overrides?.ToList() ?? [];
        var probe = YamlDoc.Parse(yaml, path);
        YamlOverrides.Apply(probe, sets);
        var cni = probe.Top.OptionalMap("cni");
        string own = cni?.OptionalString("datapath") ?? DatapathNames.Host;
        bool otherCni = own != DatapathVariant.Datapath(datapath) && cni?.OptionalString("conflist") is { Length: > 0 };
        return Parse(yaml, path, [.. sets, .. DatapathVariant.Overrides(datapath), .. otherCni ? ["cni.conflist="] : Array.Empty<string>()], manifests);
    }

    /// <param name="manifests">Kubernetes manifest files or folders read after the scenario's own "manifests" (netsim run DIR --cluster FILE).</param>
    public static Scenario Parse(string yaml, string file = "scenario.yaml", IEnumerable<string>? overrides = null, IReadOnlyList<string>? manifests = null)
    {
        var list = overrides?.ToList() ?? [];
        return Read(YamlDoc.Parse(yaml, file), list, manifests ?? []) with { SourceText = yaml, Overrides = list };
    }

    /// <summary>
    /// The same scenario over another datapath: re-read with "cni.datapath=NAME" added, so that datapath's own defaults
    /// apply. A conflist configures its own CNI only, so the other datapath gets its default configuration.
    /// </summary>
    public static Scenario WithDatapath(Scenario s, string datapath) =>
        s.Cni.Datapath == datapath ? s
        : Parse(s.SourceText, s.File, [.. s.Overrides, .. DatapathVariant.Overrides(datapath),
            .. s.Cni.ConflistFile is null || s.Cni.Datapath == DatapathVariant.Datapath(datapath) ? Array.Empty<string>() : ["cni.conflist="]], s.ExtraManifests);

    private static Scenario Read(YamlDoc doc, IReadOnlyList<string> overrides, IReadOnlyList<string> extraManifests)
    {
        YamlOverrides.Apply(doc, overrides);
        var top = doc.Top;
        string name = top.Text("name", Path.GetFileNameWithoutExtension(doc.File));
        if (name.Length is 0 or > MaxNameLength) throw top.Error("name", $"needs 1 to {MaxNameLength} characters, not {name.Length}");
        string description = top.Text("description", "");
        ulong seed = (ulong)top.Whole("seed", 1, 0);
        SimTime duration = top.PositiveTime("duration", SimTime.FromSeconds(1));
        SimTime warmup = top.Time("warmup", SimTime.Zero);
        if (warmup >= duration) throw top.Error("warmup", $"{warmup} is not shorter than the duration {duration}");
        string profile = top.Text("profile", "default");

        var cni = CniReader.Read(top.OptionalMap("cni"), top);
        var cluster = ClusterReader.Read(top.Map("cluster"), cni.Datapath);
        var kubeProxy = ReadKubeProxy(top.OptionalMap("kube_proxy"), cni);
        CalicoEbpfKubeProxy.Check(kubeProxy, cni, top);
        var attachments = NetworkAttachmentReader.Read(top.Maps("network_attachments"));
        var workloads = WorkloadReader.Read(top.Maps("workloads"), cluster, attachments, cni.Datapath);
        var (manifests, manifestDigest) = ScenarioManifests.Read(top, extraManifests, cluster);
        var namespaces = ScenarioManifests.Namespaces(NamespaceReader.Read(top.Maps("namespaces"), workloads), manifests, top);
        workloads = ScenarioManifests.Join(workloads, manifests.Workloads, top, "workloads", w => w.Name, w => w.Origin);
        attachments = ScenarioManifests.Join(attachments, manifests.NetworkAttachments, top, "network_attachments", a => $"{a.Namespace}/{a.Name}", a => a.Origin);
        NetworkAttachmentReader.CheckManifestSelections(workloads, attachments, cni.Datapath);
        namespaces = ScenarioManifests.WithWorkloadNamespaces(namespaces, workloads);
        var policies = ScenarioManifests.Policies(NetworkPolicyReader.Read(top.Maps("network_policies"), namespaces), manifests, namespaces);
        var services = ServiceReader.Read(top.Maps("services"));
        services = ScenarioManifests.Join(services, manifests.Services, top, "services", v => $"{v.Namespace}/{v.Name}", v => v.Origin);
        services = ServiceAllocation.Allocate(services, cluster, seed, top);
        var traffic = TrafficReader.Read(top.Maps("traffic"), duration);
        var dns = DnsReader.Read(top.OptionalMap("dns"), cluster, traffic.Any(t => t.To.Kind == EndpointKind.Dns));
        var events = EventReader.Read(top.Maps("events"), cluster, workloads, services, policies, duration, cni);
        var controlPlane = EventReader.ReadControlPlane(top.OptionalMap("control_plane"));
        var compare = top.Strings("compare");
        foreach (var (d, i) in compare.Select((d, i) => (d, i)))
            if (!DatapathVariant.IsKnown(d)) throw top.Error("compare", $"item {i}: '{d}' is not a datapath; known: {string.Join(", ", DatapathNames.All)} (add +wireguard, +ipsec or +none for an encryption the datapath offers)");
        string baseline = top.Text("baseline", DatapathNames.Host);
        if (!DatapathVariant.IsKnown(baseline)) throw top.Error("baseline", $"'{baseline}' is not a datapath");
        top.RejectUnknown();

        var scenario = new Scenario(name, description, doc.File, seed, duration, warmup, profile, cluster, cni, kubeProxy,
            workloads, services, traffic, compare, baseline)
        { NetworkAttachments = attachments, Namespaces = namespaces, NetworkPolicies = policies, ExtraManifests = extraManifests, ManifestNotes = manifests.Notes, ManifestDigest = manifestDigest, Dns = dns, Events = events, ControlPlane = controlPlane };
        ScenarioValidator.Validate(scenario, doc);
        return scenario;
    }

    private static KubeProxySpec ReadKubeProxy(YamlMap? m, CniSpec cni)
    {
        // kube-proxy replacement (Cilium, Calico eBPF) means no kube-proxy rules at all.
        string fallback = cni.KubeProxyReplacement ? "ebpf" : "iptables";
        if (m is null) return new KubeProxySpec(fallback, "rr", false);
        var spec = new KubeProxySpec(
            m.OneOf("mode", fallback, KubeProxySpec.Modes),
            m.OneOf("ipvs_scheduler", "rr", KubeProxySpec.IpvsSchedulers),
            m.Flag("masquerade_all", false),
            m.OneOf("iptables_backend", KubeProxySpec.DefaultIptablesBackend, KubeProxySpec.IptablesBackends));
        m.RejectUnknown();
        return spec;
    }
}
