using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tally.Replication;
using Tally.Storage;

namespace Tally.Node;

/// <summary>Wires <see cref="FileStateStore"/> (section <c>Storage</c>: <c>DataDirectory</c>, <c>Durability</c>)
/// in as the node's <see cref="IStateStore"/>, with the incarnation and the identity (replica and cluster ids) kept in the same directory.</summary>
public static class FileStorage
{
    public static IServiceCollection AddFileStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton(sp => new FileStateStore(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<ILogger<FileStateStore>>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<IStateStore>(sp => sp.GetRequiredService<FileStateStore>());
        services.RemoveAll<IIncarnationSource>();
        services.AddSingleton<IIncarnationSource, FileIncarnation>();
        services.RemoveAll<IIdentityStore>();
        services.AddSingleton<IIdentityStore, FileIdentityStore>();
        return services;
    }

    /// <summary>The store's own annotations, with a message that names the command-line option for the directory.</summary>
    sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
            {
                return ValidateOptionsResult.Fail("Storage:DataDirectory (--data, TALLY_DATA) is required: the node's data directory.");
            }
            var results = new List<ValidationResult>();
            return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(results.Select(r => $"Storage: {r.ErrorMessage}"));
        }
    }
}
