namespace Tally.Node;

/// <summary>Whether the node takes views. Only <see cref="Ready"/> does; the others answer 503.</summary>
public enum NodePhase
{
    /// <summary>Loading its state from disk (the server is not listening yet).</summary>
    Loading,

    Ready,

    /// <summary>Leaving gracefully: pushing its state to a live peer before it exits.</summary>
    Leaving,
}
