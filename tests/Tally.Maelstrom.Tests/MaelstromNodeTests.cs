using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Maelstrom.Tests;

public sealed class MaelstromNodeTests
{
    static int Code(JsonElement line) => line.GetProperty("body").GetProperty("code").GetInt32();

    static string Type(JsonElement line) => line.GetProperty("body").GetProperty("type").GetString()!;

    [Fact]
    public void Handle_AnswersInitOk_InReplyToTheInit()
    {
        var p = new Protocol();
        var reply = Assert.Single(p.Init());
        Assert.Equal("n1", reply.GetProperty("src").GetString());
        Assert.Equal("c1", reply.GetProperty("dest").GetString());
        Assert.Equal("init_ok", Type(reply));
        Assert.Equal(1, reply.GetProperty("body").GetProperty("in_reply_to").GetInt64());
        Assert.Equal("n1", p.Node.NodeId);
    }

    [Fact]
    public void Handle_RefusesWithTemporarilyUnavailable_BeforeInit()
    {
        var p = new Protocol();
        var reply = Assert.Single(p.Send("c1", """{"type":"add","msg_id":4,"delta":2}"""));
        Assert.Equal("error", Type(reply));
        Assert.Equal(11, Code(reply));
        Assert.Equal(4, reply.GetProperty("body").GetProperty("in_reply_to").GetInt64());
        p.Init();
        Assert.Equal(UInt128.Zero, p.Node.Value);
    }

    [Fact]
    public void Handle_CountsTheAdd_BeforeAnsweringAddOk()
    {
        var p = new Protocol();
        p.Init();
        var ok = Assert.Single(p.Send("c2", """{"type":"add","msg_id":5,"delta":3}"""));
        Assert.Equal("add_ok", Type(ok));
        Assert.Equal((UInt128)3, p.Node.Value);
        p.Send("c2", """{"type":"add","msg_id":6,"delta":0}""");
        var read = Assert.Single(p.Send("c3", """{"type":"read","msg_id":9}"""));
        Assert.Equal("read_ok", Type(read));
        Assert.Equal(3, read.GetProperty("body").GetProperty("value").GetInt64());
        Assert.Equal(9, read.GetProperty("body").GetProperty("in_reply_to").GetInt64());
    }

    [Fact]
    public void Handle_RepliesWithOnlyTheSchemaKeys_AndIncreasingMsgIds()
    {
        var p = new Protocol();
        var init = Assert.Single(p.Init());
        var add = Assert.Single(p.Send("c2", """{"type":"add","msg_id":5,"delta":1}"""));
        var read = Assert.Single(p.Send("c2", """{"type":"read","msg_id":6}"""));
        string[] names(JsonElement e) => [.. e.GetProperty("body").EnumerateObject().Select(x => x.Name).Order()];
        Assert.Equal(["in_reply_to", "msg_id", "type"], names(add));
        Assert.Equal(["in_reply_to", "msg_id", "type", "value"], names(read));
        long id(JsonElement e) => e.GetProperty("body").GetProperty("msg_id").GetInt64();
        Assert.True(id(init) < id(add) && id(add) < id(read), "a node's msg_ids must be unique and increasing");
    }

    [Theory]
    [InlineData("""{"type":"add","msg_id":5}""")]
    [InlineData("""{"type":"add","msg_id":5,"delta":-1}""")]
    [InlineData("""{"type":"add","msg_id":5,"delta":1.5}""")]
    [InlineData("""{"type":"add","msg_id":5,"delta":"3"}""")]
    [InlineData("""{"type":"add","msg_id":5,"delta":18446744073709551616}""")]
    public void Handle_AnswersMalformedRequest_ForABadDelta(string body)
    {
        var p = new Protocol();
        p.Init();
        var reply = Assert.Single(p.Send("c2", body));
        Assert.Equal(12, Code(reply));
        Assert.Equal(UInt128.Zero, p.Node.Value);
    }

    [Theory]
    [InlineData("""{"type":"init","msg_id":1,"node_id":"n9","node_ids":["n1","n2"]}""")]
    [InlineData("""{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n1"]}""")]
    [InlineData("""{"type":"init","msg_id":1,"node_id":"n1"}""")]
    [InlineData("""{"type":"init","msg_id":1,"node_id":"n/1","node_ids":["n/1"]}""")]
    public void Handle_AnswersMalformedRequest_ForABadInit(string body)
    {
        var p = new Protocol();
        var reply = Assert.Single(p.Send("c1", body));
        Assert.Equal(12, Code(reply));
        Assert.Null(p.Node.NodeId);
    }

    [Fact]
    public void Handle_AnswersNotSupported_ForAnUnknownType()
    {
        var p = new Protocol();
        p.Init();
        var reply = Assert.Single(p.Send("c2", """{"type":"cas","msg_id":3,"key":1}"""));
        Assert.Equal(10, Code(reply));
    }

    [Fact]
    public void Handle_AnswersAbort_WhenTheEntryWouldPassEntryMax()
    {
        var p = new Protocol();
        p.Init();
        Assert.Equal(14, Code(Assert.Single(p.Send("c2", """{"type":"add","msg_id":2,"delta":18446744073709551615}"""))));
        p.Send("c2", $$"""{"type":"add","msg_id":3,"delta":{{GCounter.EntryMax}}}""");
        var reply = Assert.Single(p.Send("c2", """{"type":"add","msg_id":4,"delta":1}"""));
        Assert.Equal(14, Code(reply));
        Assert.Equal(GCounter.EntryMax, p.Node.Value);
    }

    [Fact]
    public void Handle_KeepsItsIdentity_WhenInitArrivesAgain()
    {
        var p = new Protocol();
        p.Init();
        Assert.Equal("init_ok", Type(Assert.Single(p.Init())));
        var reply = Assert.Single(p.Init("n2"));
        Assert.Equal(14, Code(reply));
        Assert.Equal("n1", p.Node.NodeId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"src":"c1","body":{"type":"read","msg_id":1}}""")]
    [InlineData("""{"src":"c1","dest":"n1","body":{"msg_id":1}}""")]
    [InlineData("""{"src":"c1","dest":"n1","body":{"type":"read"}}""")]
    [InlineData("""{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":3,"value":1}}""")]
    [InlineData("""{"src":"n2","dest":"n1","body":{"type":"error","code":10,"msg_id":3}}""")]
    public void Handle_AnswersNothing_ToUnreadableLinesRepliesAndRequestsWithoutMsgId(string line)
    {
        var p = new Protocol();
        p.Init();
        Assert.Empty(p.Handle(line));
    }

    [Theory]
    [InlineData("c1", """{"type":"tally_gossip","data":"VEcB"}""")]
    [InlineData("n2", """{"type":"tally_gossip","data":"not base64!"}""")]
    [InlineData("n2", """{"type":"tally_gossip","data":"VEcBAQ=="}""")]
    [InlineData("n9", """{"type":"tally_gossip","data":"VEcB"}""")]
    public void Handle_DropsGossip_ThatIsMalformedOrNotFromAPeer(string src, string body)
    {
        var p = new Protocol();
        p.Init();
        Assert.Empty(p.Send(src, body));
    }

    [Fact]
    public void Tick_GossipsOnlyToOtherNodesOfTheCluster_AndNothingBeforeInit()
    {
        var p = new Protocol();
        Assert.Empty(p.Tick());
        p.Init();
        var lines = p.Tick();
        Assert.NotEmpty(lines);
        Assert.All(lines, l =>
        {
            Assert.Equal("tally_gossip", Type(l));
            Assert.Contains(l.GetProperty("dest").GetString(), new[] { "n2", "n3" });
            Assert.False(l.GetProperty("body").TryGetProperty("msg_id", out _), "gossip is not an RPC");
        });
    }

    [Fact]
    public void Gossip_ConvergesThreeNodes_ThroughTheirStdoutLines()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        var nodes = new[] { "n1", "n2", "n3" }.ToDictionary(id => id, id =>
        {
            var p = new Protocol(time);
            p.Init(id);
            return p;
        });
        nodes["n1"].Send("c1", """{"type":"add","msg_id":2,"delta":4}""", "n1");
        nodes["n3"].Send("c1", """{"type":"add","msg_id":3,"delta":5}""", "n3");
        var queue = new Queue<JsonElement>();
        for (var round = 0; round < 20 && nodes.Values.Any(n => n.Node.Value != 9); round++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            foreach (var n in nodes.Values)
            {
                n.Tick().ForEach(queue.Enqueue);
            }
            while (queue.TryDequeue(out var line))
            {
                nodes[line.GetProperty("dest").GetString()!].Handle(line.GetRawText()).ForEach(queue.Enqueue);
            }
        }
        Assert.All(nodes.Values, n => Assert.Equal((UInt128)9, n.Node.Value));
    }
}
