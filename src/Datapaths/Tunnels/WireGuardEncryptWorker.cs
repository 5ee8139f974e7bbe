using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// wg_packet_encrypt_worker: encrypt_packet on each packet of a bundle (<c>wireguard.encrypt</c>: fixed plus
/// ChaCha20-Poly1305 per byte of plaintext; a checksum the stack left to offload, CHECKSUM_PARTIAL, is computed
/// here first with <c>checksum.software</c>, skb_checksum_help), then the 16-byte data header and tag, and
/// wg_reset_packet's scrub. A finished bundle wakes its peer's transmit worker (wg_queue_enqueue_per_peer_tx).
/// </summary>
internal sealed class WireGuardEncryptWorker : WireGuardCryptWorker
{
    public WireGuardEncryptWorker(WireGuardDevice device, WireGuardCryptQueue queue)
        : base(device, queue, "wg_packet_encrypt_worker") { }

    protected override long Crypt(Packet p, WireGuardPacketBundle bundle, int index)
    {
        int plaintext = p.Length;
        long ps = Costs.WireGuardEncrypt.For(plaintext);
        if (p.ChecksumOffloaded) ps += Costs.ChecksumSoftware.For(plaintext);
        p.ChecksumOffloaded = false;
        ref WireGuardHeader wg = ref p.PushWireGuard();
        wg.ReceiverIndex = bundle.Peer.Index;
        wg.Counter = bundle.FirstNonce + (ulong)index;
        Scrub(p, crossNamespace: true); // wg_reset_packet: skb_scrub_packet(skb, true)
        return ps;
    }

    protected override void Crypted(WireGuardPacketBundle bundle, int cpu) => Device.TxWorker.Wake(bundle.Peer, Node.Sim.NowPicoseconds);

    protected override string Action(int cpu) => $"encrypt_packet on cpu {cpu}";
}
