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

    /// <summary>The request's key, or null when it has none; a problem (400) when the header is malformed or given
    /// twice, whatever the setting: bad input is refused the same way on every node. With keys off
    /// (<see cref="ReplicaOptions.IdempotencyKeysMax"/> 0) a well-formed key is accepted and ignored (null): the request
    /// is counted as one without a key, and a retry counts again.</summary>
    public static string? Read(HttpRequest request, IOptions<ReplicaOptions> options, out ProblemHttpResult? problem)
    {
        problem = null;
        if (!request.Headers.TryGetValue(Name, out var values))
        {
            return null;
        }
        var key = values.ToString();
        if (values.Count != 1 || !IdempotencyRecord.IsValidKey(key))
        {
            problem = Problems.BadIdempotencyKey();
            return null;
        }
        return options.Value.IdempotencyKeysMax == 0 ? null : key;
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
