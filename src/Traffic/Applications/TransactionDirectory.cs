namespace NetSim.Traffic.Applications;

/// <summary>
/// Where a client connection publishes the transactions it will send, so the server that accepts it can tell where
/// requests end and how big each response is. A real protocol carries this in its bytes; the simulation counts bytes
/// without storing them, so it travels here instead (looked up once per connection, never per packet).
/// </summary>
public sealed class TransactionDirectory : ConnectionDirectory<TransactionQueue>;
