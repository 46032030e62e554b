using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Board.AppHost;

/// <summary>Names the configuration source a key's value came from, for start-up errors a user can act on.</summary>
internal static class ConfigurationOrigin
{
    public static string Describe(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "set in configuration";
        }

        // The last provider that has the key is the one whose value wins.
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _))
            {
                continue;
            }

            return provider switch
            {
                JsonConfigurationProvider json => $"set in {json.Source.Path}",
                EnvironmentVariablesConfigurationProvider => $"set by the environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
                CommandLineConfigurationProvider => "set on the command line",
                _ => $"set by {provider}",
            };
        }

        return "not set";
    }
}
