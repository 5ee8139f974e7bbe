using NetSim.Engine.Diagnostics;

namespace NetSim.Experiments;

/// <summary>Bad input given on a command line (not in a file): the error names the command, as "netsim run: ...".</summary>
public static class CommandInputError
{
    public static InputException Of(string command, string problem) => new("netsim " + command, 0, "", problem);
}
