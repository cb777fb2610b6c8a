namespace Tally.Maelstrom;

/// <summary>Maelstrom's error codes (doc/protocol.md, "Errors"; resources/errors.edn). Definite codes promise the
/// operation did not and never will happen; the others leave it open, and Maelstrom counts such an add as possible.</summary>
public enum ErrorCode
{
    /// <summary>Indefinite: not completed within a timeout.</summary>
    Timeout = 0,

    /// <summary>Definite: the request went to a node that does not exist.</summary>
    NodeNotFound = 1,

    /// <summary>Definite: this node does not implement the request type.</summary>
    NotSupported = 10,

    /// <summary>Definite: cannot be done now (e.g. before <c>init</c>).</summary>
    TemporarilyUnavailable = 11,

    /// <summary>Definite: the request does not conform to the workload's schema.</summary>
    MalformedRequest = 12,

    /// <summary>Indefinite catch-all.</summary>
    Crash = 13,

    /// <summary>Definite catch-all: known not to have happened.</summary>
    Abort = 14,
}
