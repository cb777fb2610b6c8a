using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace Tally.ServiceDefaults;

/// <summary>Metrics and health checks shared by Tally's services (the shape of eShop's ServiceDefaults).</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health checks tagged with this are liveness checks: <c>/alive</c> runs only them.</summary>
    public const string LiveTag = "live";

    /// <summary>Registers OpenTelemetry metrics (Kestrel, the runtime and <paramref name="meters"/>; not the per-request
    /// ASP.NET Core histogram, which costs the hot path more than it tells here)
    /// with a Prometheus exporter, and a liveness check. Add readiness checks with <c>AddHealthChecks()</c>.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] meters)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddMeter(meters)
            .AddPrometheusExporter());
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text), <c>/health</c> (every check: ready to serve) and
    /// <c>/alive</c> (liveness checks only: the process is up). Health answers 200 or 503 with a JSON report.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        var health = app.MapGroup("").WithTags("Health");
        health.MapGet("/health", (HealthCheckService checks, CancellationToken ct) => ReportAsync(checks, null, ct))
            .WithName("Health").WithSummary("Ready: 200 when the node takes views (status Degraded, still 200, while another live replica uses its name), else 503.")
            .Produces<HealthReportBody>(StatusCodes.Status503ServiceUnavailable);
        health.MapGet("/alive", (HealthCheckService checks, CancellationToken ct) => ReportAsync(checks, c => c.Tags.Contains(LiveTag), ct))
            .WithName("Alive").WithSummary("Live: the process is up and serving HTTP.")
            .Produces<HealthReportBody>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static async Task<Results<Ok<HealthReportBody>, JsonHttpResult<HealthReportBody>>> ReportAsync(
        HealthCheckService checks, Func<HealthCheckRegistration, bool>? predicate, CancellationToken ct)
    {
        var report = await checks.CheckHealthAsync(predicate, ct).ConfigureAwait(false);
        var body = new HealthReportBody(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthEntryBody(e.Value.Status.ToString(), e.Value.Description)));
        return report.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(body);
    }
}

/// <summary>The body of <c>/health</c> and <c>/alive</c>: the overall status and each check's.</summary>
public sealed record HealthReportBody(string Status, IReadOnlyDictionary<string, HealthEntryBody> Checks);

public sealed record HealthEntryBody(string Status, string? Description);
