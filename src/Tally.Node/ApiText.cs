using Tally.Replication;

namespace Tally.Node;

/// <summary>How enums read in the API: lower case, as the issue spells the statuses.</summary>
static class ApiText
{
    public static string Status(MemberStatus status) => status switch
    {
        MemberStatus.Alive => "alive",
        MemberStatus.Suspect => "suspect",
        MemberStatus.Down => "down",
        MemberStatus.Left => "left",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Phase(NodePhase phase) => phase switch
    {
        NodePhase.Loading => "loading",
        NodePhase.Ready => "ready",
        NodePhase.Leaving => "leaving",
        _ => phase.ToString().ToLowerInvariant(),
    };
}
