namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// How much of a receive buffer Linux offers as window: tcp_win_from_space with net.ipv4.tcp_adv_win_scale, the
/// rest being kept for sk_buff overhead (newer kernels measure that ratio per socket, starting at the same half).
/// </summary>
internal static class ReceiveWindow
{
    /// <summary>tcp_win_from_space: buffer bytes → window bytes.</summary>
    public static long WindowFromSpace(long space)
    {
        int scale = LinuxDefaults.TcpAdvWinScale;
        return scale <= 0 ? space >> -scale : space - (space >> scale);
    }

    /// <summary>tcp_space_from_win: window bytes → the buffer bytes that offer it (the inverse of <see cref="WindowFromSpace"/>).</summary>
    public static long SpaceFromWindow(long window)
    {
        int scale = LinuxDefaults.TcpAdvWinScale;
        return scale <= 0 ? window << -scale : (window << scale) / ((1L << scale) - 1);
    }
}
