using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Tally.Dashboard.Api;
using Tally.Dashboard.Json;
using Tally.Dashboard.Nodes;
using Tally.Dashboard.State;

namespace Tally.Dashboard;

/// <summary>Builds the dashboard web app: the embedded page, the event stream and the control API.</summary>
public static class DashboardApp
{
    /// <summary>The handler of the calls to nodes: with <paramref name="caPath"/>, an https node must present a
    /// certificate for the name it is called by that chains to that CA (only).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file holds no PEM certificate.</exception>
    static SocketsHttpHandler NodesHandler(string? caPath)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        if (!string.IsNullOrWhiteSpace(caPath))
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.ImportFromPemFile(caPath);
            if (policy.CustomTrustStore.Count == 0)
            {
                throw new System.Security.Cryptography.CryptographicException($"{caPath} holds no PEM certificate.");
            }
            handler.SslOptions.CertificateChainPolicy = policy;
        }
        return handler;
    }

    public static WebApplication Create(DashboardSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DashboardApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls($"http://{settings.Host}:{settings.Port.ToString(CultureInfo.InvariantCulture)}");

        var config = new Dictionary<string, string?>();
        for (var i = 0; i < settings.Nodes.Count; i++)
        {
            config[$"{DashboardOptions.SectionName}:{nameof(DashboardOptions.Nodes)}:{i}"] = settings.Nodes[i];
        }
        config[$"{DashboardOptions.SectionName}:{nameof(DashboardOptions.AdminToken)}"] = settings.AdminToken;
        if (settings.PushInterval is { } push)
        {
            config[$"{DashboardOptions.SectionName}:{nameof(DashboardOptions.PushInterval)}"] = push.ToString("c", CultureInfo.InvariantCulture);
        }
        builder.Configuration.AddInMemoryCollection(config);

        builder.Logging.ClearProviders().AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var services = builder.Services;
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => DashboardJson.Configure(o.SerializerOptions));
        services.AddHealthChecks();
        services.AddHttpClient(NodeClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => NodesHandler(settings.NodesCaPath));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SupervisorAccess(settings.Supervisor));
        services.AddSingleton<NodeClient>();
        services.AddSingleton<NodeRegistry>();
        services.AddSingleton<ClusterState>();
        services.AddSingleton<WatchedVideos>();
        services.AddSingleton<DashboardUpdates>();
        services.AddSingleton<NodeLookup>();
        services.AddSingleton<FaultPlan>();
        services.AddSingleton<Timeline>();
        services.AddSingleton<CountHistory>();
        services.AddHostedService<ClusterPoller>();
        services.AddHostedService<TimelineWatcher>();
        services.AddHostedService<HistoryRecorder>();

        var app = builder.Build();
        if (settings.Supervisor is { } supervisor)
        {
            var registry = app.Services.GetRequiredService<NodeRegistry>();
            foreach (var node in supervisor.Nodes)
            {
                registry.Add(node.Url, node.Id);
            }
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var files = new ManifestEmbeddedFileProvider(typeof(DashboardApp).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.MapEventsApi();
        app.MapViewsApi();
        app.MapNodesApi();
        app.MapHistoryApi();
        app.MapHealthChecks("/alive");
        return app;
    }
}
