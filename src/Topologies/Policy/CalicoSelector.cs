using System.Globalization;

namespace NetSim.Topologies.Policy;

/// <summary>
/// A Calico selector expression (projectcalico.org/v3, "Selectors" in the NetworkPolicy reference): <c>k == 'v'</c>,
/// <c>k != 'v'</c> (also true when k is absent), <c>k in {'a','b'}</c>, <c>k not in {...}</c> (true when absent),
/// <c>has(k)</c>, <c>!expr</c>, <c>a &amp;&amp; b</c>, <c>a || b</c>, parentheses, and <c>all()</c>; the empty
/// selector is <c>all()</c>. Parsed once into a tree; matching allocates nothing.
/// </summary>
public sealed class CalicoSelector
{
    private readonly Node _root;

    private CalicoSelector(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    public static CalicoSelector All { get; } = new("all()", new AllNode());

    public string Text { get; }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _root.Matches(labels);

    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>; a problem is an <see cref="ArgumentException"/> saying where and what.</summary>
    public static CalicoSelector Parse(string? text)
    {
        string s = (text ?? "").Trim();
        if (s.Length == 0) return All;
        var p = new Parser(s);
        var root = p.Or();
        p.SkipSpace();
        if (!p.AtEnd) throw p.Fail("unexpected text");
        return new CalicoSelector(s, root);
    }

    private abstract class Node
    {
        public abstract bool Matches(IReadOnlyDictionary<string, string> labels);
    }

    private sealed class AllNode : Node
    {
        public override bool Matches(IReadOnlyDictionary<string, string> labels) => true;
    }

    private sealed class HasNode(string key) : Node
    {
        public override bool Matches(IReadOnlyDictionary<string, string> labels) => labels.ContainsKey(key);
    }

    private sealed class NotNode(Node inner) : Node
    {
        public override bool Matches(IReadOnlyDictionary<string, string> labels) => !inner.Matches(labels);
    }

    private sealed class AndNode(Node a, Node b) : Node
    {
        public override bool Matches(IReadOnlyDictionary<string, string> labels) => a.Matches(labels) && b.Matches(labels);
    }

    private sealed class OrNode(Node a, Node b) : Node
    {
        public override bool Matches(IReadOnlyDictionary<string, string> labels) => a.Matches(labels) || b.Matches(labels);
    }

    /// <summary>k == v, k in {...} (and, negated, != and not in: true when the key is absent, as Calico defines them).</summary>
    private sealed class ValueNode(string key, string[] values, bool negate) : Node
    {
        public override bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            bool found = labels.TryGetValue(key, out string? v) && Array.IndexOf(values, v) >= 0;
            return found != negate;
        }
    }

    private sealed class Parser(string s)
    {
        private int _i;

        public bool AtEnd => _i >= s.Length;

        public ArgumentException Fail(string what) =>
            new(string.Create(CultureInfo.InvariantCulture, $"selector \"{s}\": {what} at character {_i + 1}"));

        public void SkipSpace()
        {
            while (_i < s.Length && char.IsWhiteSpace(s[_i])) _i++;
        }

        private bool Take(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(s, _i, token, 0, token.Length) != 0) return false;
            _i += token.Length;
            return true;
        }

        public Node Or()
        {
            var left = And();
            while (Take("||")) left = new OrNode(left, And());
            return left;
        }

        private Node And()
        {
            var left = Unary();
            while (Take("&&")) left = new AndNode(left, Unary());
            return left;
        }

        private Node Unary()
        {
            SkipSpace();
            if (_i < s.Length && s[_i] == '!' && (_i + 1 >= s.Length || s[_i + 1] != '='))
            {
                _i++;
                return new NotNode(Unary());
            }
            return Primary();
        }

        private Node Primary()
        {
            if (Take("("))
            {
                var inner = Or();
                if (!Take(")")) throw Fail("expected ')'");
                return inner;
            }
            if (Take("all()")) return new AllNode();
            if (Take("has("))
            {
                string key = Key();
                if (!Take(")")) throw Fail("expected ')' after has(key");
                return new HasNode(key);
            }
            if (Take("global()")) throw Fail("global() is not modelled (NetSim has no host endpoints or network sets)");
            string k = Key();
            if (Take("==")) return new ValueNode(k, [Quoted()], false);
            if (Take("!=")) return new ValueNode(k, [Quoted()], true);
            if (Take("not in")) return new ValueNode(k, Set(), true);
            if (Take("in")) return new ValueNode(k, Set(), false);
            SkipSpace();
            if (Take("contains") || Take("starts with") || Take("ends with")) throw Fail("the operators contains / starts with / ends with are not modelled");
            throw Fail($"expected ==, !=, in or not in after '{k}'");
        }

        private string Key()
        {
            SkipSpace();
            int start = _i;
            while (_i < s.Length && (char.IsAsciiLetterOrDigit(s[_i]) || s[_i] is '_' or '.' or '/' or '-')) _i++;
            if (_i == start) throw Fail("expected a label key");
            return s[start.._i];
        }

        private string Quoted()
        {
            SkipSpace();
            if (_i >= s.Length || s[_i] is not ('\'' or '"')) throw Fail("expected a quoted value");
            char q = s[_i++];
            int end = s.IndexOf(q, _i);
            if (end < 0) throw Fail("unterminated string");
            string v = s[_i..end];
            _i = end + 1;
            return v;
        }

        private string[] Set()
        {
            if (!Take("{")) throw Fail("expected '{'");
            var values = new List<string>();
            if (Take("}")) return [];
            do values.Add(Quoted());
            while (Take(","));
            if (!Take("}")) throw Fail("expected '}'");
            return [.. values];
        }
    }
}
