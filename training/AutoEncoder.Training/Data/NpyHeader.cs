using System.Globalization;

namespace AutoEncoder.Training.Data;

/// <summary>
/// A .npy header: the Python dictionary literal NumPy writes (<c>{'descr': '&lt;f4', 'fortran_order':
/// False, 'shape': (60000, 28, 28), }</c>), parsed as the dictionary it is. Exactly the three keys NumPy
/// defines, each once: a header with another key (or one twice) is refused, as numpy refuses it, rather
/// than searched for a pattern (an object-dtype header holding <c>'descr': '&lt;f4'</c> under another key
/// was once read as floats).
/// </summary>
/// <param name="Descr">The dtype, e.g. <c>&lt;f4</c>.</param>
/// <param name="Fortran">Whether the data are in column-major order.</param>
/// <param name="Shape">Size of each dimension, outermost first.</param>
internal sealed record NpyHeader(string Descr, bool Fortran, int[] Shape)
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="label"/> names the file in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not such a dictionary.</exception>
    public static NpyHeader Parse(string text, string label) => new Parser(text, label).Header();

    private sealed class Parser(string text, string label)
    {
        private int at;

        public NpyHeader Header()
        {
            string? descr = null;
            bool? fortran = null;
            int[]? shape = null;
            Expect('{');
            while (!TryTake('}'))
            {
                string key = QuotedString();
                Expect(':');
                switch (key)
                {
                    case "descr" when descr is null:
                        descr = QuotedString();
                        break;
                    case "fortran_order" when fortran is null:
                        fortran = Boolean();
                        break;
                    case "shape" when shape is null:
                        shape = Tuple();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Malformed($"the key '{key}' twice");
                    default:
                        throw Malformed($"a key '{key}' besides 'descr', 'fortran_order' and 'shape'");
                }
                if (!TryTake(','))
                {
                    Expect('}');
                    break;
                }
            }
            SkipSpace();
            if (at != text.Length) throw Malformed($"'{text[at..].Trim()}' after the dictionary");
            return new NpyHeader(
                descr ?? throw Malformed("no 'descr'"),
                fortran ?? throw Malformed("no 'fortran_order'"),
                shape ?? throw Malformed("no 'shape'"));
        }

        string QuotedString()
        {
            SkipSpace();
            if (at >= text.Length || text[at] is not ('\'' or '"')) throw Malformed("something other than a quoted string where one belongs");
            char quote = text[at++];
            int end = text.IndexOf(quote, at);
            if (end < 0) throw Malformed("an unterminated string");
            string value = text[at..end];
            at = end + 1;
            return value;
        }

        bool Boolean()
        {
            SkipSpace();
            foreach ((string word, bool value) in new[] { ("True", true), ("False", false) })
                if (string.CompareOrdinal(text, at, word, 0, word.Length) == 0)
                {
                    at += word.Length;
                    return value;
                }
            throw Malformed("a 'fortran_order' other than True or False");
        }

        int[] Tuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (!TryTake(')'))
            {
                SkipSpace();
                int start = at;
                while (at < text.Length && char.IsAsciiDigit(text[at])) at++;
                if (!int.TryParse(text.AsSpan(start, at - start), NumberStyles.None, CultureInfo.InvariantCulture, out int dim))
                    throw Malformed($"a shape entry '{text[start..Math.Min(text.Length, start + 20)].Split(',', ')')[0].Trim()}' that is not a non-negative integer below 2³¹");
                dims.Add(dim);
                if (!TryTake(','))
                {
                    Expect(')');
                    break;
                }
            }
            return [.. dims];
        }

        void Expect(char c)
        {
            if (!TryTake(c)) throw Malformed($"'{(at < text.Length ? text[at] : "end")}' where '{c}' belongs");
        }

        bool TryTake(char c)
        {
            SkipSpace();
            if (at >= text.Length || text[at] != c) return false;
            at++;
            return true;
        }

        void SkipSpace()
        {
            while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        }

        InvalidDataException Malformed(string found) =>
            new($"{label}: expected a .npy header dictionary of 'descr', 'fortran_order' and 'shape', found {found}");
    }
}
