namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The text of each object a line got through its <c>ToString()</c>, kept while the line is written: an object
/// met again in the line, or in a try that writes the line again with shorter values, gives the text it gave the
/// first time, so a <c>ToString()</c> that is costly, or that logs, runs once per line however many tries the line
/// takes. Objects are told apart by reference. A value type is not kept: it is boxed anew wherever it is read (a
/// sequence's items are), so no box would ever be met twice.
/// </summary>
internal sealed class RenderedTexts
{
    // Past this many objects the table is not kept for the next line: clearing it costs its size, line after line.
    private const int KeptCapacity = 256;

    private Dictionary<object, string> _texts = new(ReferenceEqualityComparer.Instance);

    /// <summary>The line is done: its objects are let go.</summary>
    public void Forget()
    {
        if (_texts.Count > KeptCapacity)
        {
            _texts = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        }
        else
        {
            _texts.Clear();
        }
    }

    public string TextOf(object value)
    {
        if (value.GetType().IsValueType)
        {
            return TextSanitizer.TextOf(value);
        }

        if (!_texts.TryGetValue(value, out var text))
        {
            text = TextSanitizer.TextOf(value);
            _texts[value] = text;
        }

        return text;
    }
}
