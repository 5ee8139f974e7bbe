using NetSim.Engine.Addressing;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Ipam;

/// <summary>
/// The dhcp IPAM plugin on macvlan with a DHCP server on the node network: the exchange is four frames on the wire
/// (DISCOVER and REQUEST broadcast from 0.0.0.0 as nclient4 sends them, OFFER and ACK unicast to the offered address),
/// the renewal is a REQUEST with ciaddr exactly at T1, an unanswered renewal ends in the interface going down once a
/// rebinding fails after the lease's end, DEL sends a DHCPRELEASE, and an ADD nobody answers fails after the daemon's
/// 208 s resend timeout with the daemon's error.
/// </summary>
public class DhcpIpamTests
{
    private const long S = 1_000_000_000_000;

    /// <summary>The macvlan plugin's documented example (macvlan on eth0 with the dhcp IPAM), unchanged.</summary>
    private const string Conf = """
        {
        	"name": "mynet",
        	"type": "macvlan",
        	"master": "eth0",
        	"ipam": {
        		"type": "dhcp"
        	}
        }
        """;

    private static string Folder()
    {
        string dir = Directory.CreateTempSubdirectory("netsim-dhcp").FullName;
        File.WriteAllText(Path.Combine(dir, "10-macvlan-dhcp.conf"), Conf);
        return Path.Combine(dir, "dhcp.yaml");
    }

    private static string Yaml(string duration, string events) => $"""
        name: dhcp
        seed: 2
        duration: {duration}
        cluster:
          nodes: {"{"} count: 2, cores: 2 {"}"}
          dhcp_server: {"{"} address: 172.18.0.2, pool: 172.18.1.10-172.18.1.20, lease_time: 40s {"}"}
        cni: {"{"} datapath: macvlan, conflist: 10-macvlan-dhcp.conf {"}"}
        workloads:
          - {"{"} name: web, replicas: 1 {"}"}
        traffic:
          - {"{"} name: ping, kind: ping, from: pod:web-0, to: "node:node2", interval: 1s {"}"}
        events:
        {events}
        """;

    private static (RunResult Result, BuiltCluster Cluster) Run(string duration, string events)
    {
        BuiltCluster? built = null;
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml(duration, events), Folder()), ClusterSimulationTests.Profile(), null,
            RunOptions.Default with { AfterRun = c => built = c });
        Assert.True(r.Holds, r.Conservation.ToString());
        return (r, built!);
    }

    private static List<(long AtPs, DhcpMessage Message, bool L2Broadcast, Ipv4Address IpDestination)> Frames(BuiltCluster c, string pod)
    {
        string container = NodeContainerRuntime.SandboxId(new PlacedPod(pod, "web", 0, "default", "", new Dictionary<string, string>(), [], false));
        return c.Network.Dhcp.Wire.Sent.Where(f => f.Message.ClientId.StartsWith(container + "/", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public void The_exchange_is_four_frames_on_the_wire_and_the_renewal_comes_at_T1_exactly()
    {
        var (r, c) = Run("30s", "  - { at: 1s, kind: scale, workload: web, replicas: 2 }");
        var server = Ipv4Address.Parse("172.18.0.2");
        var frames = Frames(c, "web-1");
        Assert.True(frames.Count >= 6, string.Join("; ", frames.Select(f => f.Message)));
        var (discover, offer, request, ack) = (frames[0], frames[1], frames[2], frames[3]);
        Assert.Equal(DhcpMessageType.Discover, discover.Message.Type);
        Assert.True(discover.L2Broadcast);
        Assert.Equal(Ipv4Address.Broadcast, discover.IpDestination);
        Assert.Equal(DhcpMessageType.Offer, offer.Message.Type);
        Assert.False(offer.L2Broadcast); // to yiaddr at chaddr (RFC 2131 §4.1, the broadcast flag is clear)
        Assert.Equal(offer.Message.YourAddress, offer.IpDestination);
        Assert.Equal(Ipv4Address.Parse("172.18.1.11"), offer.Message.YourAddress); // .10 is web-0's
        Assert.Equal(DhcpMessageType.Request, request.Message.Type);
        Assert.True(request.L2Broadcast);
        Assert.Equal(offer.Message.YourAddress, request.Message.RequestedAddress);
        Assert.Equal(server, request.Message.ServerId);
        Assert.Equal(discover.Message.Xid, request.Message.Xid);
        Assert.Equal(DhcpMessageType.Ack, ack.Message.Type);
        Assert.True(discover.AtPs <= offer.AtPs && offer.AtPs <= request.AtPs && request.AtPs <= ack.AtPs);
        Assert.True(ack.AtPs - discover.AtPs < S / 1000, "the exchange takes the wire's and the hosts' time, well under a millisecond");

        var acquired = r.Timeline.Single(t => t.Kind == "dhcp_lease_acquired" && t.Target == "web-1");
        var added = r.Timeline.Single(t => t.Kind == "cni_add" && t.Target == "web-1");
        Assert.Equal(acquired.AtPs, added.AtPs); // ADD returns when the lease is in
        Assert.Contains("172.18.1.11", added.What, StringComparison.Ordinal);

        // T1 = 20 s after the ACK reached the client: a REQUEST with ciaddr, broadcast (nclient4 sends everything to 255.255.255.255).
        var renew = frames[4];
        Assert.Equal(DhcpMessageType.Request, renew.Message.Type);
        Assert.Equal(acquired.AtPs + 20 * S, renew.AtPs);
        Assert.Equal(ack.Message.YourAddress, renew.Message.ClientAddress);
        Assert.Null(renew.Message.ServerId);
        Assert.True(renew.L2Broadcast);
        Assert.Equal(DhcpMessageType.Ack, frames[5].Message.Type);
        Assert.Equal(ack.Message.YourAddress, frames[5].IpDestination); // to ciaddr
        Assert.Contains(r.Timeline, t => t.Kind == "dhcp_lease_renewed" && t.Target == "web-1" && t.AtPs > renew.AtPs && t.AtPs - renew.AtPs < S / 1000);
        // web-0's lease was taken before the run: its renewal is at T1 = 20 s exactly.
        Assert.Equal(20 * S, Frames(c, "web-0").First(f => f.Message.Type == DhcpMessageType.Request).AtPs);
    }

    [Fact]
    public void A_lease_that_cannot_be_renewed_or_rebound_takes_the_interface_down()
    {
        var (r, c) = Run("440s", "  - { at: 10s, kind: dhcp_server_down }");
        // Renewal from T1 (20 s) until the 208 s resend timeout, then rebinding for another 208 s; it fails after expiry (40 s).
        var rebinding = r.Timeline.Single(t => t.Kind == "dhcp_rebinding" && t.Target == "web-0");
        Assert.Equal(228 * S, rebinding.AtPs);
        var expired = r.Timeline.Single(t => t.Kind == "dhcp_lease_expired" && t.Target == "web-0");
        Assert.Equal(436 * S, expired.AtPs);
        var web0 = c.Pods.Single(p => p.Name == "web-0");
        var eth0 = web0.Namespace.Devices.Single(d => d.Name == "eth0");
        Assert.False(eth0.IsUp);
        var frames = Frames(c, "web-0");
        // Renewal REQUESTs at 20, 30, 50 s (timeouts 10, 20, 40 s), then after 2 +/- 1 s the next try.
        var requests = frames.Where(f => f.Message.Type == DhcpMessageType.Request).Select(f => f.AtPs).ToList();
        Assert.Equal([20 * S, 30 * S, 50 * S], requests.Take(3));
        Assert.InRange(requests[3] - 90 * S, 1 * S, 3 * S);
        Assert.Contains(frames, f => f.Message.Type == DhcpMessageType.Discover && f.AtPs == 228 * S);
        // The pings web-0 sends stop getting through once eth0 is down.
        Assert.Contains(r.Notes, n => n.Contains("ping", StringComparison.Ordinal));
    }

    [Fact]
    public void DEL_releases_the_lease_to_the_server()
    {
        var (r, c) = Run("10s", """
              - { at: 1s, kind: scale, workload: web, replicas: 2 }
              - { at: 5s, kind: scale, workload: web, replicas: 1 }
            """);
        var frames = Frames(c, "web-1");
        var release = Assert.Single(frames, f => f.Message.Type == DhcpMessageType.Release);
        Assert.Equal(5 * S, release.AtPs);
        Assert.Equal(Ipv4Address.Parse("172.18.0.2"), release.IpDestination);
        Assert.Equal(Ipv4Address.Parse("172.18.1.11"), release.Message.ClientAddress);
        Assert.Contains(r.Timeline, t => t.Kind == "dhcp_lease_released" && t.Target == "web-1");
        Assert.Contains(r.Timeline, t => t.Kind == "cni_del" && t.Target == "web-1" && t.AtPs == 5 * S);
        Assert.DoesNotContain(c.Network.Dhcp.Daemons.SelectMany(d => d.Leases.Values), l => l.Ack?.YourAddress == Ipv4Address.Parse("172.18.1.11"));
    }

    [Fact]
    public void ADD_fails_with_the_daemons_error_when_no_server_answers_within_its_resend_timeout()
    {
        var (r, c) = Run("260s", """
              - { at: 500ms, kind: dhcp_server_down }
              - { at: 1s, kind: scale, workload: web, replicas: 2 }
            """);
        var discovers = Frames(c, "web-1").Where(f => f.Message.Type == DhcpMessageType.Discover).Select(f => f.AtPs).ToList();
        long start = discovers[0];
        Assert.Equal([start, start + 10 * S, start + 30 * S], discovers.Take(3)); // nclient4: 3 tries, timeout 10 s doubled
        var failed = r.Timeline.First(t => t.Kind == "cni_add_failed" && t.Target == "web-1");
        Assert.Equal(start + 208 * S, failed.AtPs);
        Assert.Contains($"CNI error {CniException.Internal}: error calling DHCP.Allocate: no more tries", failed.What, StringComparison.Ordinal);
        Assert.Contains(r.Timeline, t => t.Kind == "sandbox_retry" && t.Target == "web-1" && t.AtPs == failed.AtPs);
        Assert.DoesNotContain(r.Timeline, t => t.Kind == "cni_add" && t.Target == "web-1");
    }

    [Fact]
    public void A_pod_whose_ADD_failed_starts_at_kubelets_retry_once_the_server_is_back()
    {
        var (r, _) = Run("260s", """
              - { at: 500ms, kind: dhcp_server_down }
              - { at: 1s, kind: scale, workload: web, replicas: 2 }
              - { at: 215s, kind: dhcp_server_up }
            """);
        var failed = r.Timeline.First(t => t.Kind == "cni_add_failed" && t.Target == "web-1");
        var retry = r.Timeline.Single(t => t.Kind == "sandbox_retry" && t.Target == "web-1");
        var added = r.Timeline.Single(t => t.Kind == "cni_add" && t.Target == "web-1");
        Assert.True(failed.AtPs < 215 * S);
        long wait = added.AtPs - retry.AtPs;
        Assert.InRange(wait, 10 * S, 15 * S + S / 10); // the backoff, the ADD's own time and the exchange's
        Assert.Contains(r.Timeline, t => t.Kind == "dhcp_lease_acquired" && t.Target == "web-1" && t.AtPs == added.AtPs);
    }
}
