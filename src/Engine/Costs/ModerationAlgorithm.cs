namespace NetSim.Engine.Costs;

/// <summary>The adaptive interrupt moderation algorithms NetSim models, each as its driver runs it.</summary>
public enum ModerationAlgorithm
{
    /// <summary>i40e_update_itr (Linux 4.17 and later; ice_update_itr of Linux 5.10 is the same algorithm).</summary>
    I40eItr,
    /// <summary>ixgbe_update_itr (Linux 4.16 and later): the same idea with ixgbe's thresholds and frame-size table.</summary>
    IxgbeItr,
    /// <summary>lib/dim/net_dim.c driving mlx5's CQ moderation in CQE period mode (mlx5e's default on ConnectX-4 and later).</summary>
    NetDim,
}
