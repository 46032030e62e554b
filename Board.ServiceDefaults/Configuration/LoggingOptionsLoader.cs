using System.Collections;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Board.ServiceDefaults.Configuration;

/// <summary>
/// Reads <see cref="LoggingOptions"/> from configuration before the host is built (the sinks depend on it)
/// and refuses to start on a bad value, naming the key and the file it came from.
/// </summary>
internal static partial class LoggingOptionsLoader
{
    public static LoggingOptions Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(LoggingOptions.SectionName);
        var options = new LoggingOptions();
        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names an unknown key by its property name only; name it in full, with its file.
            var unknown = UnknownKeys(section, typeof(LoggingOptions))
                .Select(key => $"{key} is not a known setting (from {ConfigurationSourceLocator.Describe(configuration, key)})")
                .ToList();
            throw unknown.Count > 0
                ? new OptionsValidationException(LoggingOptions.SectionName, typeof(LoggingOptions), unknown)
                : new OptionsValidationException(LoggingOptions.SectionName, typeof(LoggingOptions), [BindingFailure(configuration, ex)]);
        }

        SettleConfiguredLists(section, options);
        ApplyEnvironmentDefaults(options, environment);

        var failures = Validate(options).Select(f => $"{f.Key} {f.Problem} ({SourceOf(configuration, f.Key)})").ToList();
        failures.AddRange(ConflictsWithTheHost(configuration, options));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(LoggingOptions.SectionName, typeof(LoggingOptions), failures);
        }

        return options;
    }

    // The binder appends configured items to a list that already holds defaults; a configured list replaces them.
    // Not so the keys whose values are redacted: a team that adds one must not lose the defaults without noticing
    // (listing `user.id` would otherwise log e-mail addresses in clear), so those are added to the defaults.
    private static void SettleConfiguredLists(IConfigurationSection section, LoggingOptions options)
    {
        Replace("Requests:ExcludedPaths", v => options.Requests.ExcludedPaths = v);
        Replace("Requests:AllowedQueryKeys", v => options.Requests.AllowedQueryKeys = v);
        Replace("Json:ResourceAttributes", v => options.Json.ResourceAttributes = v);
        Replace("Json:OmitFields", v => options.Json.OmitFields = v);
        Replace("ForwardedHeaders:KnownProxies", v => options.ForwardedHeaders.KnownProxies = v);
        Replace("ForwardedHeaders:KnownNetworks", v => options.ForwardedHeaders.KnownNetworks = v);
        options.Redaction.PersonalDataKeys = [.. options.Redaction.PersonalDataKeys.Where(k => !string.IsNullOrEmpty(k)).Distinct(StringComparer.Ordinal)];

        void Replace(string key, Action<List<string>> set)
        {
            var child = section.GetSection(key);
            if (child.Exists())
            {
                set(child.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList());
            }
        }
    }

    // The host's ASPNETCORE_FORWARDEDHEADERS_ENABLED believes X-Forwarded-For from any sender, and its middleware
    // runs after Board's: it would take the hops Board's left as untrusted, so a client could choose its own address.
    private static IEnumerable<string> ConflictsWithTheHost(IConfiguration configuration, LoggingOptions options)
    {
        const string HostSwitch = "FORWARDEDHEADERS_ENABLED";
        if (!Requests.TrustedProxies.IsConfigured(options.ForwardedHeaders)
            || !bool.TryParse(configuration[HostSwitch], out var enabled) || !enabled)
        {
            yield break;
        }

        var key = LoggingOptions.SectionName + ":ForwardedHeaders";
        yield return $"{key} names trusted proxies ({SourceOf(configuration, key)}) while ASPNETCORE_{HostSwitch} is true " +
            $"({ConfigurationSourceLocator.Describe(configuration, HostSwitch)}): the framework's forwarded headers would then " +
            "believe what Board's do not, from any sender. Set ASPNETCORE_FORWARDEDHEADERS_ENABLED=false, or leave out Board's proxies.";
    }

    private static void ApplyEnvironmentDefaults(LoggingOptions options, IHostEnvironment environment)
    {
        if (options.Console.Format == ConsoleFormat.Auto)
        {
            options.Console.Format = environment.IsDevelopment() ? ConsoleFormat.Text : ConsoleFormat.Json;
        }

        // Outside Development personal data never leaves the process as it is: hashed when a key is configured
        // (so records can still be grouped by user), otherwise redacted.
        options.Redaction.Mode ??= environment.IsDevelopment() ? RedactionMode.None
            : string.IsNullOrEmpty(options.Redaction.HashKey) ? RedactionMode.Redact : RedactionMode.Hash;

        // Production logs at Information for what it costs to ship; the detail of a failed request is what it lacks.
        // In Development the levels are the developer's to lower, and late lines with earlier times would confuse.
        options.Requests.HeldRecords.Enabled ??= !environment.IsDevelopment() && options.Requests.Enabled;
    }

    private static List<(string Key, string Problem)> Validate(LoggingOptions o)
    {
        var problems = new List<(string Key, string Problem)>();
        void Check(bool valid, string key, string problem)
        {
            if (!valid)
            {
                problems.Add((LoggingOptions.SectionName + ":" + key, problem));
            }
        }

        void Each(List<string> values, string key, Func<string, bool> valid, string problem)
        {
            for (var i = 0; i < values.Count; i++)
            {
                Check(valid(values[i]), $"{key}:{i}", $"is '{values[i]}': {problem}");
            }
        }

        foreach (var (name, batch) in new (string, BatchSinkOptions)[] { ("Console", o.Console), ("Otlp", o.Otlp) })
        {
            Check(batch.MaxQueueSize >= 1, name + ":MaxQueueSize", $"is {batch.MaxQueueSize}: must be positive");
            Check(batch.MaxExportBatchSize >= 1 && batch.MaxExportBatchSize <= batch.MaxQueueSize, name + ":MaxExportBatchSize",
                $"is {batch.MaxExportBatchSize}: must be between 1 and {name}:MaxQueueSize ({batch.MaxQueueSize})");
            Check(batch.ScheduledDelayMilliseconds >= 1, name + ":ScheduledDelayMilliseconds", $"is {batch.ScheduledDelayMilliseconds}: must be positive");
        }

        Check(!o.Console.Fallback || o.Console.Format != ConsoleFormat.None, "Console:Fallback",
            "is true while Console:Format is None: the fallback writes to stdout, in the console format");

        var lineLimitValid = o.Json.MaxLineBytes is >= 1024 and <= 262_144;
        Check(lineLimitValid, "Json:MaxLineBytes", $"is {o.Json.MaxLineBytes}: must be between 1024 and 262144");

        // Measured against an invalid line limit, a valid value length would only add a second, misleading error.
        Check(o.MaxValueLength >= 16 && (!lineLimitValid || o.MaxValueLength <= o.Json.MaxLineBytes), "MaxValueLength",
            $"is {o.MaxValueLength}: must be between 16 and Json:MaxLineBytes ({o.Json.MaxLineBytes})");

        // A field renamed onto a fixed or resource field that keeps its own name would write that key twice.
        var keptNames = JsonLineFormatter.FixedFieldNames.Concat(o.Json.ResourceAttributes)
            .Where(name => !o.Json.RenameFields.ContainsKey(name))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (from, to) in o.Json.RenameFields)
        {
            Check(!string.IsNullOrWhiteSpace(to), "Json:RenameFields:" + from, "is empty: a field must be renamed to a non-empty name");
            Check(from == to || !keptNames.Contains(to), "Json:RenameFields:" + from, $"renames {from} to '{to}', which a field of that name is already written as");
        }

        foreach (var clash in o.Json.RenameFields.GroupBy(kv => kv.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Check(false, "Json:RenameFields:" + clash.First().Key, $"renames {string.Join(" and ", clash.Select(kv => kv.Key))} to the same name '{clash.Key}'");
        }

        var held = o.Requests.HeldRecords;
        const string Held = "Requests:HeldRecords:";
        Check(held.Enabled != true || o.Requests.Enabled, Held + "Enabled",
            "is true while Requests:Enabled is false: records are held per request, and written before its END entry");
        Check(held.MinLevel is >= LogLevel.Trace and <= LogLevel.Warning, Held + "MinLevel", $"is {held.MinLevel}: must be Trace, Debug, Information or Warning");
        Check(held.WriteFromLevel is >= LogLevel.Warning and <= LogLevel.Critical, Held + "WriteFromLevel", $"is {held.WriteFromLevel}: must be Warning, Error or Critical");
        Check(held.MaxRecordsPerRequest is >= 1 and <= 10_000, Held + "MaxRecordsPerRequest", $"is {held.MaxRecordsPerRequest}: must be between 1 and 10000");
        var inFlightValid = held.MaxBytesInFlight is >= 64 * 1024 and <= 1024L * 1024 * 1024;
        Check(inFlightValid, Held + "MaxBytesInFlight", $"is {held.MaxBytesInFlight}: must be between 65536 and 1073741824");
        Check(held.MaxBytesPerRequest >= 4096 && (!inFlightValid || held.MaxBytesPerRequest <= held.MaxBytesInFlight), Held + "MaxBytesPerRequest",
            $"is {held.MaxBytesPerRequest}: must be between 4096 and MaxBytesInFlight ({held.MaxBytesInFlight})");

        Each(o.Requests.ExcludedPaths, "Requests:ExcludedPaths", path => path.StartsWith('/'), "a path must start with '/'");

        // A key the redactor would not write as a key could never be matched as one.
        Each(o.Requests.AllowedQueryKeys, "Requests:AllowedQueryKeys", Requests.QueryStringRedactor.LooksLikeKey,
            $"a key is 1 to {Requests.QueryStringRedactor.MaxKeyLength} letters, digits, '_', '.', '-', '[' or ']', as it reads decoded");
        foreach (var key in o.Requests.StatusLevels.Keys)
        {
            Check(StatusPattern().IsMatch(key), "Requests:StatusLevels:" + key, "is not a status (e.g. 404) or a status class (e.g. 4xx)");
        }

        Each(o.ForwardedHeaders.KnownProxies, "ForwardedHeaders:KnownProxies", proxy => IPAddress.TryParse(proxy, out _), "not an IP address");
        Each(o.ForwardedHeaders.KnownNetworks, "ForwardedHeaders:KnownNetworks", network => IPNetwork.TryParse(network, out _),
            "not a network in CIDR notation (e.g. 10.0.0.0/16)");
        Check(o.ForwardedHeaders.ForwardLimit >= 1, "ForwardedHeaders:ForwardLimit", $"is {o.ForwardedHeaders.ForwardLimit}: must be at least 1");

        Check(o.Redaction.Mode != RedactionMode.Hash || o.Redaction.HashKey is { Length: >= 16 }, "Redaction:HashKey",
            "must be set to a secret of at least 16 characters when Redaction:Mode is Hash");

        // A bare number is read as days ("60" is 60.00:00:00), past what the report's timer accepts.
        Check(o.DropReportInterval >= TimeSpan.FromSeconds(1) && o.DropReportInterval <= TimeSpan.FromDays(1), "DropReportInterval",
            $"is {o.DropReportInterval}: must be between 00:00:01 and 1.00:00:00");
        Check(o.Ecs.Timeout > TimeSpan.Zero && o.Ecs.Timeout <= TimeSpan.FromSeconds(30), "Ecs:Timeout", $"is {o.Ecs.Timeout}: must be above zero and at most 00:00:30");
        return problems;
    }

    private static string BindingFailure(IConfiguration configuration, InvalidOperationException ex)
    {
        // The binder names the key in its message ("... at 'StructuredLogging:X:Y' ..."), sometimes only in the
        // inner exception's (a dictionary value); add the file it came from.
        var inner = ex.InnerException is null ? "" : " " + ex.InnerException.Message;
        var match = QuotedKey().Match(ex.Message + inner);
        var where = match.Success
            ? $" (from {ConfigurationSourceLocator.Describe(configuration, match.Groups["key"].Value)})"
            : $" (section {LoggingOptions.SectionName})";
        return ex.Message + inner + where;
    }

    // A rule can fail on a default (HashKey when only Mode: Hash was configured, a batch size above a configured
    // queue size): then the value to fix sits next to it, so say that the key is not set and where its nearest
    // configured section comes from.
    private static string SourceOf(IConfiguration configuration, string key)
    {
        var own = ConfigurationSourceLocator.Describe(configuration, key);
        if (own != "defaults")
        {
            return "from " + own;
        }

        for (var path = key; path.Contains(':');)
        {
            path = path[..path.LastIndexOf(':')];
            var source = ConfigurationSourceLocator.Describe(configuration, path);
            if (source != "defaults")
            {
                return $"not set; {path} is from {source}";
            }
        }

        return "not set";
    }

    /// <summary>Configured keys with no property of that name on the options class they would bind to.</summary>
    private static IEnumerable<string> UnknownKeys(IConfigurationSection section, Type type)
    {
        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                yield return child.Path;
            }
            else if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                foreach (var key in UnknownKeys(child, property.PropertyType))
                {
                    yield return key;
                }
            }
        }
    }

    [GeneratedRegex(@"^([1-5][0-9][0-9]|[1-5]xx)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"at '(?<key>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedKey();
}
