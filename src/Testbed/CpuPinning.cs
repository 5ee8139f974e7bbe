using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// Where the benchmark processes run: every client and server on one core (taskset -c CORE), each in a session of its
/// own (setsid) whose autogroup gets the highest weight (nice -20 written to /proc/self/autogroup, sched(7)), and at
/// nice -20 inside it. With sched_autogroup on (most distributions), nice orders tasks only within one session: every
/// other session's autogroup still gets an equal share of the core, so a plain "nice -n -20" leaves other users'
/// builds a third or more of CPU 0. The generated scenarios model the same single core (shared_cpu, cores: 1); see
/// docs/testbed.md for why one core and what the autogroup changed.
/// </summary>
public sealed record CpuPinning(int Core, int Nice)
{
    public static readonly CpuPinning Default = new(0, -20);

    /// <summary>
    /// The command prefix inside a namespace: ip netns exec NS setsid -w sh -c 'raise the autogroup; exec nice taskset
    /// COMMAND'. A kernel without autogroups (no /proc/self/autogroup) runs the command with nice and taskset alone.
    /// </summary>
    public IReadOnlyList<string> Prefix(string ns) =>
        ["netns", "exec", ns, "setsid", "-w", "sh", "-c", Boost, "sh"];

    /// <summary>The shell line that raises the session's autogroup and execs the command ("$@") pinned and niced.</summary>
    private string Boost => string.Create(CultureInfo.InvariantCulture,
        $"[ -w /proc/self/autogroup ] && echo {Nice} > /proc/self/autogroup; exec nice -n {Nice} taskset -c {Core} \"$@\"");
}
