using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// What a CNI datapath does to a cluster, in the order a real cluster does it: prepare each node (the CNI's agent:
/// bridges, tunnel devices, host programs, and the plugins and conflist it installs), attach each pod through the
/// node's container runtime (netns, loopback, then CNI ADD of the conflist's plugin chain), then connect the nodes
/// (routes, VTEP entries, BGP) once every node exists.
/// </summary>
public abstract class PodNetwork
{
    protected PodNetwork(ClusterContext cluster)
    {
        Cluster = cluster;
        Dhcp = new DhcpNetwork(cluster.Random);
    }

    protected ClusterContext Cluster { get; }

    /// <summary>whereabouts' IPPools: one table for the whole cluster, as its custom resources are.</summary>
    public WhereaboutsStore Whereabouts { get; } = new();

    /// <summary>The dhcp IPAM's daemons (one per node), the node network's DHCP server and the messages on the wire.</summary>
    public DhcpNetwork Dhcp { get; }

    /// <summary>Multus' view of the API server: the NetworkAttachmentDefinitions, pods' selections and their network-status.</summary>
    public NetworkAttachmentStore Attachments => _attachments ??= new NetworkAttachmentStore(Cluster.Scenario.NetworkAttachments);

    private NetworkAttachmentStore? _attachments;

    /// <summary>Multus is installed (00-multus.conf in front of the CNI's own) when the scenario defines or selects secondary networks.</summary>
    public bool UsesMultus => Cluster.Scenario.NetworkAttachments.Count > 0 || Cluster.Scenario.Workloads.Any(w => w.Networks.Count > 0);

    /// <summary>The MTU pods get: the NIC MTU minus the encapsulation (or the scenario's explicit MTU).</summary>
    public virtual int PodMtu(BuiltNode node) =>
        Cluster.Scenario.Cni.Mtu > 0 ? Cluster.Scenario.Cni.Mtu : node.Spec.Nic.Mtu - EncapsulationOverhead;

    protected virtual int EncapsulationOverhead => NodeEncryptionKinds.PodMtuOverhead(Cluster.Scenario.Cni);

    /// <summary>The node's agent runs, then its CNI plugins and conflist are installed and the runtime can start pods.</summary>
    public virtual void PrepareNode(BuiltNode node)
    {
        var cni = new CniNode(node.Name, node.Host);
        SecondaryAttachments.Register(node, cni);
        PrepareHost(node, cni);
        var plugins = new CniPluginRegistry()
            .Add(new LoopbackPlugin(cni)).Add(new PortmapPlugin(cni)).Add(new BandwidthPlugin()).Add(new TuningPlugin(cni)).Add(new SbrPlugin(cni))
            .Add(new HostLocalPlugin())
            .Add(new StaticIpamPlugin()).Add(new WhereaboutsPlugin(Whereabouts)).Add(new DhcpIpamPlugin(DhcpDaemonOf(cni)));
        if (UsesMultus) SecondaryAttachments.Install(cni, plugins, Attachments);
        InstallPlugins(node, cni, plugins);
        node.Runtime = new NodeContainerRuntime(cni, plugins, Conflist(node));
        try
        {
            node.Runtime.ValidateNetwork();
        }
        catch (CniException e)
        {
            throw new InputException(Cluster.Scenario.File, 0, "cni.conflist", $"{node.Name}: {e}");
        }
    }

    private DhcpDaemon DhcpDaemonOf(CniNode node)
    {
        var daemon = new DhcpDaemon(node, Dhcp);
        Dhcp.Daemons.Add(daemon);
        return daemon;
    }

    /// <summary>What the CNI's node agent sets up before any pod (flanneld, calico-node, cilium-agent).</summary>
    protected abstract void PrepareHost(BuiltNode node, CniNode cniNode);

    /// <summary>The CNI's own plugins in /opt/cni/bin.</summary>
    protected abstract void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins);

    /// <summary>The conflist the CNI's installer writes to /etc/cni/net.d, before its placeholders are filled in.</summary>
    protected abstract string DefaultConflist(BuiltNode node);

    /// <summary>The scenario's own conflist, else the CNI's default, rendered for this node.</summary>
    private NetworkConfigList Conflist(BuiltNode node)
    {
        string text = Cluster.Scenario.Cni.ConflistText ?? DefaultConflist(node);
        string rendered = ConflistTemplate.Render(text, node.Name, PodMtu(node), node.PodSubnet?.ToString() ?? Cluster.Scenario.Cluster.PodCidr.ToString());
        if (UsesMultus) rendered = SecondaryAttachments.MultusConf(rendered);
        try
        {
            return NetworkConfigList.Parse(rendered);
        }
        catch (CniException e)
        {
            throw new InputException(Cluster.Scenario.File, 0, "cni.conflist", $"{node.Name}: {e}");
        }
    }

    /// <summary>The container runtime creates the pod's netns and runs CNI ADD on it.</summary>
    public virtual BuiltPod AddPod(BuiltNode node, PlacedPod pod)
    {
        var ns = new NetworkNamespace(node.Context, $"pod/{pod.Name}", Cluster.Random($"{node.Name}/pod/{pod.Name}"));
        try
        {
            if (UsesMultus) Attachments.Annotate(pod.Namespace, pod.Name, pod.Networks);
            var built = node.Runtime!.RunPodSandbox(node, pod, ns, AllocateDevice(node, pod));
            if (UsesMultus) SecondaryAttachments.Attach(Cluster, built, Attachments.Status(pod.Namespace, pod.Name));
            return built;
        }
        catch (CniException e) when (e.IsConfigurationError)
        {
            throw new InputException(Cluster.Scenario.File, 0, "cni", $"{node.Name}: pod {pod.Namespace}/{pod.Name}: {e}");
        }
        catch (CniException e)
        {
            throw new PodSandboxException(PodSandboxFailure.Of(pod, node.Name, e));
        }
    }

    public abstract void ConnectNodes(IReadOnlyList<BuiltNode> nodes);

    /// <summary>The device kubelet's device manager allocates the pod for its eth0 (a VF, a whole NIC), or "" when the datapath needs none.</summary>
    protected virtual string AllocateDevice(BuiltNode node, PlacedPod pod) => "";

    /// <summary>
    /// The CNI's agent programs a pod started while the cluster runs, after its CNI ADD (Felix's workload chains, the
    /// eBPF programs on its veth). Nothing for CNIs whose plugin alone wires the pod (bridge, ptp, ipvlan, macvlan).
    /// </summary>
    public virtual void AttachNewPod(BuiltNode node, BuiltPod pod) { }

    /// <summary>
    /// The CNI's NetworkPolicy agent on <paramref name="node"/> programs <paramref name="policies"/> (the policies in
    /// effect and the pods that exist now): Felix's chains and ipsets, an eBPF dataplane's policy maps. Returns the size
    /// of what it wrote (rules or map entries); 0 for a CNI without a policy agent.
    /// </summary>
    public virtual int ProgramPolicy(BuiltNode node, Policy.ClusterPolicies? policies) => 0;

    /// <summary>The size of the node's policy state as its agent last wrote it (rules or map entries).</summary>
    public virtual int PolicyStateSize(BuiltNode node) => 0;

    /// <summary>
    /// What the agent's next write of <paramref name="policies"/> on <paramref name="node"/> costs, in the unit of
    /// <see cref="PolicyStateSize"/>: by default the whole state (an eBPF agent's map entries); Felix's iptables
    /// dataplane writes only the chains that changed.
    /// </summary>
    public virtual int PolicyWriteSize(BuiltNode node, Policy.ClusterPolicies? policies) => PolicyStateSize(node);

    /// <summary>Which agent programs policy on this datapath, by its cost: "felix-iptables", "felix-bpf", "cilium", or "" for none.</summary>
    public virtual string PolicyAgent => "";

    /// <summary>After kube-proxy's first sync on a node: an agent that keeps its iptables hooks first re-asserts them.</summary>
    public virtual void AfterKubeProxySync(BuiltNode node) { }
}
