namespace NetSim.Engine.Nics;

/// <summary>
/// A driver's adaptive RX interrupt moderation, as one RX queue sees it: when an interrupt armed by a ready frame
/// fires, whether further frames move it, and what the driver learns at each napi_complete.
/// </summary>
public interface IInterruptModerator
{
    /// <summary>The current interval or timer period, for reports.</summary>
    long IntervalPs { get; }

    /// <summary>Interrupts are enabled and a frame is ready at <paramref name="readyPs"/>: when the interrupt fires.</summary>
    long Arm(long readyPs);

    /// <summary>
    /// The <paramref name="framesSinceArm"/>-th frame since arming is ready at <paramref name="readyPs"/> while the
    /// interrupt planned for <paramref name="deadlinePs"/> has not fired: when it fires now.
    /// </summary>
    long FrameWhileArmed(long deadlinePs, long readyPs, int framesSinceArm);

    /// <summary>The interrupt fired (the driver's event counter).</summary>
    void Fired();

    /// <summary>A frame handled by a poll (the driver's packet and byte counters).</summary>
    void Count(int frameBytes);

    /// <summary>NAPI completes and interrupts are re-enabled at <paramref name="nowPs"/>: the driver's update.</summary>
    void Complete(long nowPs);
}
