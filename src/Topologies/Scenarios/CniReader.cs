using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>Reads the "cni" section; defaults follow each plugin's own (reference kubernetes-networking.md §6).</summary>
internal static class CniReader
{
    public static CniSpec Read(YamlMap? m, YamlMap top)
    {
        if (m is null) return Defaults(DatapathNames.Host, false);
        string datapath = m.OneOf("datapath", DatapathNames.Host, DatapathNames.All.ToArray());
        var (encrypted, kind) = ReadEncryption(m, datapath);
        var d = Defaults(datapath, encrypted);
        var spec = d with
        {
            EncryptionType = kind,
            Mtu = m.Count("mtu", d.Mtu, 0, 65535),
            VxlanPort = m.Count("vxlan_port", d.VxlanPort, 1, 65535),
            Vni = m.Count("vni", d.Vni, 0, (1 << 24) - 1),
            IpipMode = m.OneOf("ipip_mode", d.IpipMode, "Always", "CrossSubnet", "Never"),
            BlockSize = m.Count("block_size", d.BlockSize, 20, 32),
            BgpTopology = m.OneOf("bgp", d.BgpTopology, "full-mesh", "route-reflectors"),
            RouteReflectors = m.Strings("route_reflectors"),
            KubeProxyReplacement = m.Flag("kube_proxy_replacement", d.KubeProxyReplacement),
            HostRoutingBpf = m.Flag("bpf_host_routing", d.HostRoutingBpf),
            Conntrack = m.Flag("conntrack", d.Conntrack),
            ConflistFile = m.OptionalString("conflist") is { Length: > 0 } f ? f : null,
            // Canal adds Felix to Flannel; other datapaths keep their own agent (so compare may re-read the file over them).
            PolicyAgent = m.OneOf("policy_agent", "", CniSpec.CanalAgent),
            // On by default only where the scenario has an outside world (cluster.external_network): the calibrated
            // reference scenarios and every earlier result were made without these rules (scenarios/README.md).
            Masquerade = m.Flag("masquerade", top.OptionalMap("cluster")?.Has("external_network") == true),
        };
        // Read whatever the datapath (compare re-reads the file over each); only aws-vpc-cni uses it, as vxlan_port is VXLAN's.
        if (m.OptionalMap("aws") is { } aws) spec = spec with { Aws = AwsVpcCniReader.Read(aws) };
        else if (datapath == DatapathNames.AwsVpcCni) spec = spec with { Aws = AwsVpcCniSpec.Defaults };
        if (spec.ConflistFile is not null) spec = spec with { ConflistText = ConflistFileReader.Read(m, spec.ConflistFile, datapath) };
        if (spec.BgpTopology == "route-reflectors" && spec.RouteReflectors.Count == 0)
            throw m.Error("route_reflectors", "bgp: route-reflectors needs at least one node named in route_reflectors");
        m.RejectUnknown();
        return spec;
    }

    /// <summary>cni.encryption: false (none), true (the datapath's own: WireGuard, or Weave's with a password), wireguard, ipsec or nacl.</summary>
    private static (bool On, string Kind) ReadEncryption(YamlMap m, string datapath) => m.OptionalString("encryption") switch
    {
        null or "false" or "False" or "no" or "off" or "none" => (false, NodeEncryptionKinds.WireGuard),
        "true" or "True" or "yes" or "on" => (true, NodeEncryptionKinds.Default(datapath)),
        NodeEncryptionKinds.WireGuard => (true, NodeEncryptionKinds.WireGuard),
        NodeEncryptionKinds.Ipsec => (true, NodeEncryptionKinds.Ipsec),
        NodeEncryptionKinds.Nacl => (true, NodeEncryptionKinds.Nacl),
        var s => throw m.Error("encryption", $"'{s}' is not one of false, true, wireguard, ipsec, nacl"),
    };

    /// <summary>Each datapath's defaults: MTU 0 means "derive from the NIC MTU minus the encapsulation overhead".</summary>
    private static CniSpec Defaults(string datapath, bool encryption)
    {
        bool ebpf = datapath is DatapathNames.CiliumEbpf or DatapathNames.CalicoEbpf;
        return new CniSpec(
            Datapath: datapath,
            Mtu: 0,
            VxlanPort: datapath == DatapathNames.CalicoVxlan ? 4789 : 8472, // flannel and Cilium keep the Linux default 8472
            Vni: datapath == DatapathNames.CalicoVxlan ? 4096 : 1,
            IpipMode: datapath == DatapathNames.CalicoIpip ? "Always" : "Never",
            BlockSize: 26,
            BgpTopology: "full-mesh",
            RouteReflectors: Array.Empty<string>(),
            KubeProxyReplacement: ebpf,
            HostRoutingBpf: datapath == DatapathNames.CiliumEbpf,
            Conntrack: !ebpf, // the published eBPF setups run "No CT" (published-measurements.md §1)
            ConflistFile: null,
            Encryption: encryption);
    }
}
