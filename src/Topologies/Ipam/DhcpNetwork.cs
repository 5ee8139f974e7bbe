using NetSim.Engine.Randomness;
using NetSim.Topologies.Build;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// What the cluster's dhcp daemons share: the wire's message contents, their client timing, the node network's DHCP
/// server (null: none answers), their random streams (one per lease, for the retry jitter) and where their steps are
/// written (the run's timeline, once the run has one).
/// </summary>
public sealed class DhcpNetwork(Func<string, RandomStream> streams)
{
    public DhcpWire Wire { get; } = new();
    public DhcpClientTimers Timers { get; init; } = DhcpClientTimers.Default;
    public DhcpServer? Server { get; set; }

    /// <summary>The timeline's writer (kind, pod, what); until the run starts, steps are kept and handed over with it.</summary>
    public Action<string, string, string>? Sink
    {
        get => _sink;
        set
        {
            _sink = value;
            if (value is null) return;
            foreach (var (kind, pod, what) in _early) value(kind, pod, what);
            _early.Clear();
        }
    }

    private Action<string, string, string>? _sink;
    private readonly List<(string, string, string)> _early = new();

    public RandomStream Random(string clientId) => streams($"dhcp/{clientId}");

    public void Log(string kind, string pod, string what)
    {
        if (_sink is { } sink) sink(kind, pod, what);
        else _early.Add((kind, pod, what));
    }

    /// <summary>The daemons, one per node, in node order (their leases: tests, the CLI).</summary>
    public List<DhcpDaemon> Daemons { get; } = new();
}
