namespace NetSim.Traffic.Applications;

/// <summary>
/// One request/response exchange as both ends agree on it: request and response sizes, when the client started it,
/// and whether the server closes the connection after answering (HTTP/1.0 style). Payload is never stored, so
/// the sizes travel beside the byte stream (see <see cref="TransactionDirectory"/>).
/// </summary>
public readonly record struct Transaction(long RequestBytes, long ResponseBytes, long StartPs, bool ServerCloses, ITransactionObserver? Observer);

/// <summary>Told when a transaction completes (at the client when the response is read, or at the server for one-way flows).</summary>
public interface ITransactionObserver
{
    void OnTransactionComplete(in Transaction transaction, long nowPs);
}
