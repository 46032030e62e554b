namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// The text of each value a line got through its <c>ToString()</c>, kept while the line is written: when the line
/// is too long and is written again with shorter values, a value's text is taken from here rather than asked for
/// again, so a <c>ToString()</c> that is costly, or that logs, runs once per line however many tries the line takes.
/// </summary>
internal sealed class RenderedTexts
{
    private readonly List<(object Value, string Text)> _texts = [];
    private bool _again;

    /// <summary>The line is written again: texts rendered in the tries before are reused.</summary>
    public void WriteAgain() => _again = true;

    /// <summary>The line is done: its values are let go.</summary>
    public void Forget()
    {
        _texts.Clear();
        _again = false;
    }

    public string TextOf(object value)
    {
        if (_again)
        {
            // Only a line that did not fit looks here, and a line holds few values that are not text or numbers.
            foreach (var (seen, text) in _texts)
            {
                if (ReferenceEquals(seen, value))
                {
                    return text;
                }
            }
        }

        var rendered = TextSanitizer.TextOf(value);
        _texts.Add((value, rendered));
        return rendered;
    }
}
