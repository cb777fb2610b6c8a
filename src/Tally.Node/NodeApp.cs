using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Tally.Replication;
using Tally.ServiceDefaults;

namespace Tally.Node;

/// <summary>Builds a node: <see cref="CreateBuilder"/> registers its services (the caller adds an
/// <see cref="IStateStore"/>, or replaces one), <see cref="Build"/> maps its routes.</summary>
public static class NodeApp
{
    /// <param name="settings">Configuration that overrides every other source (what <c>tally node</c> parsed from
    /// its options and <c>TALLY_*</c> variables), e.g. <c>Node:Id</c>, <c>Replication:GossipInterval</c>.</param>
    public static WebApplicationBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddEnvironmentVariables("TALLY_");
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (builder.Configuration[$"{NodeOptions.SectionName}:{nameof(NodeOptions.Listen)}"] is { Length: > 0 } listen)
        {
            builder.WebHost.UseUrls(listen); // only there: no default ports, no other interfaces
        }
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Quiet by default: per-request, per-retry and per-health-check lines would drown the node's own log (and cost
        // the hot path). A start failure is reported by `tally node` itself.
        builder.Logging
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
            // Request start/finish lines only; while this category is enabled at any level, hosting starts an Activity
            // for every request (about 1 us each under load, docs/benchmarks.md). Unhandled errors are logged by
            // the exception handler's and Kestrel's own categories.
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Polly", LogLevel.Error);
        builder.AddServiceDefaults(NodeMetrics.MeterName, Storage.FileStateStore.MeterName);
        builder.Services.AddTallyNode();
        return builder;
    }

    /// <summary>Everything a node needs except its <see cref="IStateStore"/> (<see cref="FileStorage.AddFileStorage"/>, or
    /// another store in tests).</summary>
    public static IServiceCollection AddTallyNode(this IServiceCollection services)
    {
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddOptions<ReplicaOptions>().BindConfiguration(ReplicaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DiscoveryOptions>().BindConfiguration(DiscoveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscoveryOptions>, DiscoveryValidator>();
        services.AddSingleton<IPostConfigureOptions<NodeOptions>, AdvertiseFromHostName>();
        services.AddNodeTls();
        services.AddOptions<ReplicationOptions>().BindConfiguration(ReplicationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Raw configuration, not NodeOptions: the server is built before options are validated at start, and a
        // validation failure there would hide the failures of the other sections.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            var node = new NodeOptions();
            configuration.GetSection(NodeOptions.SectionName).Bind(node);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Max(node.GossipBodyBytesMax, node.BatchBodyBytesMax);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIncarnationSource, ClockIncarnation>();
        services.TryAddSingleton<IIdentityStore, MemoryIdentityStore>();

        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<ReplicaExecutor>();
        services.AddSingleton<FaultSet>();
        services.AddSingleton<GossipSender>();
        services.AddSingleton<PeerDiscovery>();
        // Start order: load the replica, then its clock, the storage probe and discovery; the server starts last and
        // stops first, and the replica stops last (it finishes its appends in flight and writes a snapshot).
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaExecutor>());
        services.AddHostedService<GossipService>();
        services.AddHostedService<StorageProbe>();
        services.AddHostedService<DiscoveryService>();
        services.AddHostedService<MemoryReturnService>();

        services.AddHttpClient<ITransport, HttpTransport>()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(1), // re-resolve DNS names (containers come and go)
                ConnectTimeout = TimeSpan.FromSeconds(2),
            }.WithNodeTls(sp.GetRequiredService<TlsMaterial>()))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            .SelectPipelineByAuthority(); // one circuit breaker per peer
        // Reads above r=1: no retries (the replica asks several peers at once and needs only some), the level
        // timeout bounds each read.
        services.AddHttpClient<PeerReader>()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                ConnectTimeout = TimeSpan.FromSeconds(2),
            }.WithNodeTls(sp.GetRequiredService<TlsMaterial>()))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddOptions<HttpStandardResilienceOptions>().Configure<IOptions<NodeOptions>>((resilience, node) =>
        {
            resilience.AttemptTimeout.Timeout = node.Value.SendAttemptTimeout;
            resilience.TotalRequestTimeout.Timeout = node.Value.SendTimeout;
            resilience.Retry.MaxRetryAttempts = 2;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(50);
            resilience.CircuitBreaker.SamplingDuration = node.Value.SendAttemptTimeout * 2 + TimeSpan.FromSeconds(1);
            resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(1);
        });

        services.AddNodeAuth();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDefaults.Customize);
        services.AddExceptionHandler(o => o.StatusCodeSelector = e => e is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, NodeJsonContext.Default));
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Tally node";
            document.Info.Description = "One node of Tally, a distributed view counter built on a grow-only counter CRDT.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddCheck<ReplicaHealthCheck>("replica");
        return services;
    }

    /// <summary>Builds the app, validates every options section at once (<see cref="OptionsValidationException"/>, or an
    /// <see cref="AggregateException"/> of them when several sections fail) and maps the middleware and every route.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        // Before any service that reads options is built (the hosted services are built before start-up validation).
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UsePathGuard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapDefaultEndpoints();
        app.MapVideoViewsApi();
        app.MapVideoTotalApi();
        app.MapVideosApi();
        app.MapViewsApi();
        app.MapClusterApi();
        app.MapInternalApi();
        app.MapAdminApi();
        return app;
    }
}
