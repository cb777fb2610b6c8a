using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tally.Replication;

namespace Tally.Node;

/// <summary>The <c>Idempotency-Key</c> header of the view routes, read the same way by each. The replica remembers
/// the key (<see cref="Replica.Submit"/>): a retry to the same node within its window gets the first answer, also
/// after a restart (the key is stored with the views), and counts nothing.</summary>
static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>Response header set on an answer that a retry got from a remembered request.</summary>
    public const string ReplayedName = "Idempotent-Replayed";

    /// <summary>The request's key, or null when it has none or keys are off (<see cref="ReplicaOptions.IdempotencyKeysMax"/>
    /// 0); a problem (400) when the header is malformed or given twice.</summary>
    public static string? Read(HttpRequest request, IOptions<ReplicaOptions> options, out ProblemHttpResult? problem)
    {
        problem = null;
        if (options.Value.IdempotencyKeysMax == 0 || !request.Headers.TryGetValue(Name, out var values))
        {
            return null;
        }
        var key = values.ToString();
        if (values.Count != 1 || !IdempotencyRecord.IsValidKey(key))
        {
            problem = Problems.BadIdempotencyKey();
            return null;
        }
        return key;
    }

    /// <summary>Marks the response of a replayed answer.</summary>
    public static void MarkReplayed(ViewAnswer answer, HttpResponse response)
    {
        if (answer.Replayed)
        {
            response.Headers[ReplayedName] = "true";
        }
    }
}
