using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Applications;

/// <summary>netperf TCP_RR: transactions over one persistent connection, <see cref="InFlight"/> at a time (netperf -b).</summary>
public sealed record RequestResponseOptions
{
    public string Name { get; init; } = "tcp_rr";
    public required Ipv4Address Server { get; init; }
    public ushort Port { get; init; } = 12866;
    /// <summary>Request size in bytes per transaction (netperf's default is 1).</summary>
    public Func<double> RequestBytes { get; init; } = Samplers.Constant(1);
    public Func<double> ResponseBytes { get; init; } = Samplers.Constant(1);
    /// <summary>Transactions outstanding at once (1 = strict ping-pong).</summary>
    public int InFlight { get; init; } = 1;
    public SimTime StartAt { get; init; } = SimTime.Zero;
    /// <summary>Run this long after the connection is up; null = until <see cref="Transactions"/> are done.</summary>
    public SimTime? Duration { get; init; } = SimTime.FromSeconds(10);
    /// <summary>Stop after this many transactions; null = until <see cref="Duration"/> ends.</summary>
    public long? Transactions { get; init; }
    public TcpSocketOptions? Tcp { get; init; }

    public void Validate()
    {
        if (InFlight < 1) throw new ArgumentOutOfRangeException(nameof(InFlight), InFlight, "at least one transaction in flight");
        if (Duration is null && Transactions is null) throw new ArgumentException("set a duration or a transaction count");
        if (Transactions is < 1) throw new ArgumentOutOfRangeException(nameof(Transactions), Transactions, "at least one transaction");
    }
}

/// <summary>netperf TCP_CRR: each transaction opens its own connection (connect, request, response, close).</summary>
public sealed record ConnectRequestResponseOptions
{
    public string Name { get; init; } = "tcp_crr";
    public required Ipv4Address Server { get; init; }
    public ushort Port { get; init; } = 12866;
    public Func<double> RequestBytes { get; init; } = Samplers.Constant(1);
    public Func<double> ResponseBytes { get; init; } = Samplers.Constant(1);
    /// <summary>Connections (transactions) in progress at once.</summary>
    public int Concurrency { get; init; } = 1;
    public SimTime StartAt { get; init; } = SimTime.Zero;
    public SimTime? Duration { get; init; } = SimTime.FromSeconds(10);
    public long? Transactions { get; init; }
    /// <summary>
    /// Who closes first. Default false: the server closes after its response (HTTP/1.0 style), so TIME_WAIT sits on
    /// the server and the client's ephemeral ports are reusable at once; true keeps TIME_WAIT on the client, which
    /// then runs out of ports near 28,232 / 60 s ≈ 470 connections/s per server address and port.
    /// </summary>
    public bool ClientClosesFirst { get; init; }
    public TcpSocketOptions? Tcp { get; init; }

    public void Validate()
    {
        if (Concurrency < 1) throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "at least one connection at a time");
        if (Duration is null && Transactions is null) throw new ArgumentException("set a duration or a transaction count");
    }
}

/// <summary>
/// Open-loop arrivals: requests (or flows) start at times drawn from <see cref="InterArrivalSeconds"/> regardless of
/// how earlier ones fare — each on a new connection. A response size of 0 makes it a one-way flow whose
/// completion time runs until the server has read its last byte.
/// </summary>
public sealed record OpenLoopOptions
{
    public string Name { get; init; } = "open_loop";
    public required Ipv4Address Server { get; init; }
    public ushort Port { get; init; } = 8080;
    /// <summary>Gap to the next arrival in seconds (exponential for Poisson arrivals).</summary>
    public required Func<double> InterArrivalSeconds { get; init; }
    /// <summary>Request (or flow) size in bytes, e.g. from an empirical CDF.</summary>
    public required Func<double> RequestBytes { get; init; }
    public Func<double> ResponseBytes { get; init; } = Samplers.Constant(0);
    public SimTime StartAt { get; init; } = SimTime.Zero;
    public SimTime Duration { get; init; } = SimTime.FromSeconds(10);
    /// <summary>Stop creating arrivals after this many (null = no limit).</summary>
    public long? MaxArrivals { get; init; }
    public TcpSocketOptions? Tcp { get; init; }
}
