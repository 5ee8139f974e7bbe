namespace NetSim.Testbed;

/// <summary>
/// The names of everything the testbed creates: network namespaces only, all starting with <see cref="Prefix"/>.
/// Every link, bridge, route and rule lives inside one of them, so deleting the namespaces removes everything, and a
/// later run finds what an earlier, killed run left behind by the prefix.
/// </summary>
public static class TestbedNames
{
    public const string Prefix = "nstb-";

    public const string Node1 = Prefix + "node1";
    public const string Node2 = Prefix + "node2";
    /// <summary>The pod names in the generated scenarios (workloads client, peer and server).</summary>
    public const string ClientPod = "client", PeerPod = "peer", ServerPod = "server";

    public static string Node(int index) => index == 0 ? Node1 : Node2;

    /// <summary>The namespace a pod of the scenario lives in.</summary>
    public static string Pod(string pod) => Prefix + pod;

    public static bool IsOurs(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);
}
