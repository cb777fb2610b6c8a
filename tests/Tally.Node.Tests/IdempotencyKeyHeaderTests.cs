using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tally.Replication;

namespace Tally.Node.Tests;

/// <summary>How the view routes read <c>Idempotency-Key</c> (<see cref="IdempotencyKeyHeader"/>): one header of 1-255
/// visible ASCII characters, else a 400 before anything is submitted.</summary>
public sealed class IdempotencyKeyHeaderTests
{
    static readonly IOptions<ReplicaOptions> On = Options.Create(new ReplicaOptions());
    static readonly IOptions<ReplicaOptions> Off = Options.Create(new ReplicaOptions { IdempotencyKeysMax = 0 });

    static HttpRequest Request(params string[] keys)
    {
        var context = new DefaultHttpContext();
        if (keys.Length > 0)
        {
            context.Request.Headers[IdempotencyKeyHeader.Name] = keys;
        }
        return context.Request;
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ключ")]
    [InlineData("tab\tkey")]
    public void Read_Answers400_ForAMalformedKey(string key)
    {
        Assert.Null(IdempotencyKeyHeader.Read(Request(key), On, out var problem));
        Assert.Equal(StatusCodes.Status400BadRequest, problem?.StatusCode);
    }

    [Fact]
    public void Read_Answers400_ForAKeyOfMoreThan255Characters_OrTwoKeys()
    {
        Assert.Equal(400, Problem(Request(new string('k', 256))));
        Assert.Equal(400, Problem(Request("a", "b")));
        Assert.Equal(new string('k', 255), IdempotencyKeyHeader.Read(Request(new string('k', 255)), On, out var problem));
        Assert.Null(problem);

        static int? Problem(HttpRequest request)
        {
            IdempotencyKeyHeader.Read(request, On, out var problem);
            return problem?.StatusCode;
        }
    }

    [Fact]
    public void Read_ReturnsNoKey_WithoutTheHeader_OrWhenKeysAreOff()
    {
        Assert.Null(IdempotencyKeyHeader.Read(Request(), On, out var none));
        Assert.Null(none);
        Assert.Null(IdempotencyKeyHeader.Read(Request("k"), Off, out var off));
        Assert.Null(off);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ключ")]
    public void Read_Answers400_ForAMalformedKey_WhenKeysAreOff(string key)
    {
        Assert.Null(IdempotencyKeyHeader.Read(Request(key), Off, out var problem));
        Assert.Equal(StatusCodes.Status400BadRequest, problem?.StatusCode);
        Assert.Null(IdempotencyKeyHeader.Read(Request(new string('k', 256)), Off, out var tooLong));
        Assert.Equal(StatusCodes.Status400BadRequest, tooLong?.StatusCode);
        Assert.Null(IdempotencyKeyHeader.Read(Request("a", "b"), Off, out var twice));
        Assert.Equal(StatusCodes.Status400BadRequest, twice?.StatusCode);
    }
}
