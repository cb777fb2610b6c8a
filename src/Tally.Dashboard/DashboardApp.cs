using System.Globalization;
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
        services.AddHttpClient(NodeClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
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
