using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

// Same route and response shape as a Tally node's POST /videos/{videoId}/views, with no validation, durability or
// replication: what ASP.NET Core costs by itself on this machine.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));
var app = builder.Build();
var counts = new ConcurrentDictionary<string, StrongBox<ulong>>();

app.MapPost("/videos/{videoId}/views", (string videoId, AmountBody? body) =>
{
    var box = counts.GetOrAdd(videoId, static _ => new StrongBox<ulong>());
    var total = Interlocked.Add(ref box.Value, body?.Amount ?? 1);
    return TypedResults.Ok(new ViewResult(videoId, "bare", total, total));
});

app.Run();

sealed record AmountBody(ulong Amount);
sealed record ViewResult(string VideoId, string NodeId, ulong Total, ulong Count);

sealed class StrongBox<T>
{
    public T Value = default!;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AmountBody))]
[JsonSerializable(typeof(ViewResult))]
sealed partial class BareJsonContext : JsonSerializerContext;
