namespace Board.ServiceDefaults.Enrichment;

/// <summary>The message template that Microsoft.Extensions.Logging puts in a record's state, under <c>{OriginalFormat}</c>.</summary>
internal static class MessageTemplate
{
    public const string Key = "{OriginalFormat}";

    /// <summary>The template, searched from the end: the logging abstractions put it last among the state's fields.</summary>
    public static string? Of(IReadOnlyList<KeyValuePair<string, object?>>? fields)
    {
        for (var i = (fields?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (fields![i].Key == Key)
            {
                return fields[i].Value as string;
            }
        }

        return null;
    }

    /// <summary>The message of a record whose formatter threw: its template (else its state's type) and why.</summary>
    public static string Unformatted(IReadOnlyList<KeyValuePair<string, object?>>? fields, Type stateType, Exception failure) =>
        $"{Of(fields) ?? stateType.Name} [message not formatted: {failure.GetBaseException().GetType().Name}]";
}
