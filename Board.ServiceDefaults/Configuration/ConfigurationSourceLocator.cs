using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Board.ServiceDefaults.Configuration;

/// <summary>Names where a configuration value came from, so that an error can point at the file to fix.</summary>
internal static class ConfigurationSourceLocator
{
    public static string Describe(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "configuration";
        }

        // The last provider that has the key is the one whose value won.
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _) && !provider.GetChildKeys([], key).Any())
            {
                continue;
            }

            return provider switch
            {
                FileConfigurationProvider file => file.Source.Path ?? "a configuration file",
                EnvironmentVariablesConfigurationProvider => "environment variables",
                CommandLineConfigurationProvider => "the command line",
                _ => provider.GetType().Name,
            };
        }

        return "defaults";
    }
}
