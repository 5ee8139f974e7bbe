using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace NetSim.Engine.Diagnostics;

/// <summary>
/// Parses YAML input (scenarios, sweeps, cost profiles) with limits, so no file can crash or stall the reader:
/// nesting depth (YamlDotNet's node builder recurses once per level and would overflow the stack), node count and
/// alias expansion (an "alias bomb" of nested aliases is tiny on disk and exponential when walked or hashed),
/// scalar length, mappings keyed only by single values, and exactly one document. Every problem, including the
/// parser's own, is an <see cref="InputException"/> naming the file and line.
/// </summary>
public static class YamlInput
{
    /// <summary>Nesting levels: a scenario needs about 6 (cluster.nodes[0].nic.rate).</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes, counting every alias as the nodes it stands for (an explicit 5,000-node list is about 60,000).</summary>
    public const long MaxNodes = 500_000;

    /// <summary>Characters in one value: the longest real one is a description paragraph.</summary>
    public const int MaxScalarLength = 64 * 1024;

    /// <summary>The root mapping of <paramref name="text"/>, which must be one YAML document holding a mapping.</summary>
    /// <param name="what">What the file is, for messages ("scenario", "cost profile").</param>
    public static YamlMappingNode LoadMapping(string text, string file, string what)
    {
        var stream = Load(text, file);
        if (stream.Documents.Count == 0) throw new InputException(file, 1, "", $"the {what} is empty; expected a mapping of fields at the top level");
        if (stream.Documents.Count > 1)
            throw new InputException(file, Line(stream.Documents[1].RootNode.Start), "", $"a second YAML document ('---'); a {what} is one document");
        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new InputException(file, Line(stream.Documents[0].RootNode.Start), "", $"expected a mapping of fields at the top level of the {what}");
    }

    /// <summary>Every document of <paramref name="text"/>, parsed within the limits.</summary>
    public static YamlStream Load(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new LimitedParser(new Parser(new StringReader(text)), file);
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new InputException(file, Line(e.Start), "", $"not valid YAML: {Innermost(e).Message}");
        }
        // YamlDotNet's scanner throws these on some malformed input (e.g. an unclosed "{" before more lines)
        // instead of a YamlException: still bad input, at the last place the parser reached.
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or
                                   NullReferenceException or KeyNotFoundException or FormatException or OverflowException)
        {
            throw new InputException(file, parser.LastLine, "", $"not valid YAML: the parser stopped here ({e.GetType().Name}); look for an unclosed '{{' or '[' or a stray character");
        }
        return stream;
    }

    private static int Line(Mark mark) => (int)Math.Clamp(mark.Line, 0, int.MaxValue);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    /// <summary>Passes the parser's events through, checking the limits on each before the node builder sees it.</summary>
    private sealed class LimitedParser : IParser
    {
        private readonly IParser _inner;
        private readonly string _file;
        private readonly Stack<Frame> _frames = new();
        private readonly Dictionary<string, (long Nodes, bool Scalar)> _anchors = new(StringComparer.Ordinal);
        private long _nodes;

        public LimitedParser(IParser inner, string file)
        {
            _inner = inner;
            _file = file;
        }

        public ParsingEvent? Current => _inner.Current;

        public int LastLine { get; private set; }

        public bool MoveNext()
        {
            if (!_inner.MoveNext()) return false;
            if (_inner.Current is { } e)
            {
                LastLine = Line(e.Start);
                Check(e);
            }
            return true;
        }

        private void Check(ParsingEvent e)
        {
            switch (e)
            {
                case Scalar s:
                    if (s.Value.Length > MaxScalarLength)
                        throw Error(e, $"a value of {s.Value.Length:N0} characters; at most {MaxScalarLength:N0}");
                    Node(e, 1, scalar: true, s.Anchor);
                    break;
                case AnchorAlias a:
                    if (!_anchors.TryGetValue(a.Value.Value, out var target)) return; // YamlDotNet reports the unknown alias
                    if (!target.Scalar && InKeyPosition) throw Error(e, "a mapping key must be a single value, not an alias of a list or mapping");
                    Node(e, target.Nodes, scalar: target.Scalar, AnchorName.Empty);
                    break;
                case MappingStart or SequenceStart:
                    if (InKeyPosition) throw Error(e, "a mapping key must be a single value, not a list or mapping");
                    if (_frames.Count >= MaxDepth) throw Error(e, $"nested more than {MaxDepth} levels deep");
                    Count(e, 1);
                    _frames.Push(new Frame(e is MappingStart, ((NodeEvent)e).Anchor, _nodes - 1));
                    break;
                case MappingEnd or SequenceEnd:
                    var f = _frames.Pop();
                    if (!f.Anchor.IsEmpty) _anchors[f.Anchor.Value] = (_nodes - f.NodesBefore, false);
                    Advance();
                    break;
            }
        }

        private bool InKeyPosition => _frames.Count > 0 && _frames.Peek() is { Mapping: true, KeyNext: true };

        private void Node(ParsingEvent e, long nodes, bool scalar, AnchorName anchor)
        {
            Count(e, nodes);
            if (!anchor.IsEmpty) _anchors[anchor.Value] = (nodes, scalar);
            Advance();
        }

        private void Count(ParsingEvent e, long nodes)
        {
            _nodes += nodes;
            if (_nodes > MaxNodes) throw Error(e, $"more than {MaxNodes:N0} values (aliases count as what they stand for)");
        }

        /// <summary>A whole node finished: in a mapping, keys and values alternate.</summary>
        private void Advance()
        {
            if (_frames.Count > 0 && _frames.Peek().Mapping) _frames.Peek().KeyNext = !_frames.Peek().KeyNext;
        }

        private InputException Error(ParsingEvent e, string problem) => new(_file, Line(e.Start), "", problem);

        private sealed class Frame(bool mapping, AnchorName anchor, long nodesBefore)
        {
            public bool Mapping { get; } = mapping;
            public AnchorName Anchor { get; } = anchor;
            public long NodesBefore { get; } = nodesBefore;
            public bool KeyNext { get; set; } = true;
        }
    }
}
