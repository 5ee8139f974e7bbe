using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// wg_packet_decrypt_worker: decrypt_packet on one received data message (<c>wireguard.decrypt</c>: fixed plus
/// ChaCha20-Poly1305 per byte), leaving the inner packet. The decrypted packet schedules its peer's NAPI on this
/// CPU (wg_queue_enqueue_per_peer_rx: napi_schedule), unless it is already scheduled.
/// </summary>
internal sealed class WireGuardDecryptWorker : WireGuardCryptWorker
{
    public WireGuardDecryptWorker(WireGuardDevice device, WireGuardCryptQueue queue)
        : base(device, queue, "wg_packet_decrypt_worker") { }

    protected override long Crypt(Packet p, WireGuardPacketBundle bundle, int index)
    {
        p.Pop(HeaderKind.WireGuard);
        return Costs.WireGuardDecrypt.For(p.Length);
    }

    protected override void Crypted(WireGuardPacketBundle bundle, int cpu) => Device.RxPoll.Schedule(bundle.Peer, cpu);

    protected override string Action(int cpu) => $"decrypt_packet on cpu {cpu}";
}
