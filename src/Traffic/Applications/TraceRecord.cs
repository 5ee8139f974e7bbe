namespace NetSim.Traffic.Applications;

/// <summary>
/// One row of a traffic trace: at <see cref="StartPs"/>, <see cref="Source"/> opens a TCP connection to
/// <see cref="Destination"/>:<see cref="Port"/> and sends <see cref="RequestBytes"/>, answered with
/// <see cref="ResponseBytes"/> (0 = a one-way flow); or, for UDP, sends <see cref="RequestBytes"/> as datagrams.
/// </summary>
public sealed record TraceRecord(long StartPs, string Source, string Destination, StreamProtocol Protocol, ushort Port,
    long RequestBytes, long ResponseBytes, int Line);
