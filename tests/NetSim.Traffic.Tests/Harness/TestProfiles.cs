using NetSim.Engine.Costs;

namespace NetSim.Traffic.Tests.Harness;

/// <summary>Round-number cost profiles so that tests can add the hops up by hand.</summary>
public static class TestProfiles
{
    /// <summary>
    /// socket.syscall 1 µs; socket.copy 0.2 ns/byte; tcp.transmit 1.5 µs; tcp.receive 1.2 µs; tcp.connect 5 µs;
    /// ip.output 0.3 µs; ip.receive 0.4 µs; udp.transmit 1 µs; udp.receive 0.9 µs.
    /// </summary>
    public static CostProfile Standard { get; } = new("test-standard", new Dictionary<string, Cost>
    {
        ["socket.syscall"] = new(1_000_000, 0),
        ["socket.copy"] = new(0, 200_000),
        ["tcp.transmit"] = new(1_500_000, 0),
        ["tcp.receive"] = new(1_200_000, 0),
        ["tcp.connect"] = new(5_000_000, 0),
        ["ip.output"] = new(300_000, 0),
        ["ip.receive"] = new(400_000, 0),
        ["udp.transmit"] = new(1_000_000, 0),
        ["udp.receive"] = new(900_000, 0),
        ["icmp.send"] = new(700_000, 0),
    });
}
