using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tally.Replication;

/// <summary>The fingerprint of a view request: the first 128 bits of SHA-256 over its kind and its items (video id
/// and amount, in order). Stable across processes and versions, so a key stored on disk still matches its retry.</summary>
public static class Fingerprints
{
    public static UInt128 Of(ViewRequest request)
    {
        var text = new StringBuilder(16 + request.Items.Count * 24).Append(request.Kind switch
        {
            ViewKind.Add => "add",
            ViewKind.Raise => "raise",
            _ => "batch",
        });
        foreach (var item in request.Items)
        {
            text.Append('|').Append(item.Video.Value).Append('=').Append(item.Amount);
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
