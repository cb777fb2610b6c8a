using System.Text.Json;
using System.Text.Json.Serialization;
using Tally.ServiceDefaults;

namespace Tally.Node;

/// <summary>Source-generated JSON for every request and response of the node (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AmountBody))]
[JsonSerializable(typeof(TotalBody))]
[JsonSerializable(typeof(ViewResponse))]
[JsonSerializable(typeof(VideoResponse))]
[JsonSerializable(typeof(VideoPage))]
[JsonSerializable(typeof(PeerVideoResponse))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(FaultsBody))]
[JsonSerializable(typeof(FaultsResponse))]
[JsonSerializable(typeof(LeaveResponse))]
[JsonSerializable(typeof(HealthReportBody))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class NodeJsonContext : JsonSerializerContext
{
    /// <summary>For reading request bodies: property names match exactly as documented (<c>{"Amount": 5}</c> is an
    /// unknown property), and duplicate properties are an error, not "last one wins".</summary>
    public static NodeJsonContext Strict { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    });
}
