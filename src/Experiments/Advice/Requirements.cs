namespace NetSim.Experiments.Advice;

/// <summary>
/// What a cluster needs from its CNI, in the terms a platform team states them: size, security, the performance
/// that matters most, where it runs, what its network offers, and who operates it.
/// </summary>
public sealed record Requirements(
    string Name,
    string Description,
    string File,
    int Nodes,
    int Pods,
    bool PolicyRequired,
    bool EncryptionRequired,
    bool AuditLogging,
    PerformancePriority Priority,
    Platform Platform,
    Fabric Fabric,
    bool BgpAvailable,
    OpsMaturity OpsMaturity,
    Budget Budget,
    long NicRateBps,
    int Mtu,
    ulong Seed);

/// <summary>The measured number the ranking sorts by.</summary>
public enum PerformancePriority { Throughput, Latency, Cpu }

public enum Platform { Cloud, OnPrem }

/// <summary>How nodes reach each other: one L2 segment (they are neighbours) or a routed fabric (several subnets).</summary>
public enum Fabric { L2, Routed }

/// <summary>The operational complexity a team runs comfortably: novice low, intermediate medium, expert high.</summary>
public enum OpsMaturity { Novice, Intermediate, Expert }

/// <summary>Minimal: every extra moving part is a cost; moderate; generous: complexity is paid for by what it buys.</summary>
public enum Budget { Minimal, Moderate, Generous }
