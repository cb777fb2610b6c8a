using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Delivers gossip over HTTP: <c>POST {address}/internal/gossip</c> with the <see cref="GossipCodec"/>
/// bytes and the cluster key as a bearer token. Timeouts and bounded retries come from the client's resilience
/// pipeline (Microsoft.Extensions.Http.Resilience), one per peer. Best effort: a message that cannot be delivered is
/// logged, counted and dropped; the core resends what a peer has not acknowledged.</summary>
public sealed partial class HttpTransport(
    HttpClient client,
    IOptions<NodeOptions> options,
    NodeMetrics metrics,
    ILogger<HttpTransport> logger) : ITransport
{
    static readonly MediaTypeHeaderValue Binary = new("application/octet-stream");
    readonly AuthenticationHeaderValue _authorization = new("Bearer", options.Value.ClusterKey);

    public async ValueTask SendAsync(string address, GossipMessage message, CancellationToken ct)
    {
        var bytes = GossipCodec.Encode(message);
        if (!Uri.TryCreate(address + InternalApi.GossipPath, UriKind.Absolute, out var uri))
        {
            metrics.GossipDropped("failed");
            Log.BadAddress(logger, address);
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = Binary;
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                metrics.GossipBytesOut(bytes.Length);
                return;
            }
            metrics.GossipDropped("rejected");
            Log.Rejected(logger, address, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or ExecutionRejectedException ||
                                  (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            metrics.GossipDropped("failed");
            Log.Unreachable(logger, address, e.Message);
        }
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Gossip to {Address} failed: {Reason}")]
        public static partial void Unreachable(ILogger logger, string address, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Gossip to {Address} was refused with status {Status} (401: the cluster keys differ; 409: the peer belongs to another cluster id)")]
        public static partial void Rejected(ILogger logger, string address, int status);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot send gossip to the malformed address {Address}")]
        public static partial void BadAddress(ILogger logger, string address);
    }
}
