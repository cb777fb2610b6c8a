namespace Tally.Replication;

public sealed partial class Replica
{
    bool _leaveRequested;
    DateTimeOffset _leaveRequestedAt;
    bool _exitGiven;

    /// <summary>Graceful leave: views are refused from now on (queued ones answered <see cref="ViewStatus.Leaving"/>);
    /// once no own append is open the core begins its leave and pushes everything to every live peer each round; the
    /// replica asks to exit (<see cref="Ready.Exit"/>) when a live peer acknowledged everything, or after
    /// <see cref="ReplicaOptions.LeaveTimeout"/> from this call. Calling it again changes nothing.</summary>
    public void Leave()
    {
        if (_leaveRequested)
        {
            return;
        }
        _leaveRequested = true;
        _leaveRequestedAt = _time.GetUtcNow();
        RefuseQueued(ViewStatus.Leaving, "The node is leaving the cluster and takes no more views; send them to another node.");
    }

    /// <summary>No acknowledged view may be applied after the leave begins (its version is what a peer must
    /// acknowledge), so it begins only when no own commit is open.</summary>
    void BeginLeaveIfDrained()
    {
        if (_leaveRequested && !_node.IsLeaving && _open.Count == 0 && _ownInFlight == 0)
        {
            _node.BeginLeave();
        }
    }

    void CheckLeave()
    {
        if (!_exitGiven && _node.IsLeaving && _node.LeaveComplete)
        {
            RequestExit(ExitReason.Left, "A live peer acknowledged all of this node's state.");
        }
    }

    void CheckLeaveTimeout()
    {
        if (_leaveRequested && !_exitGiven && _time.GetUtcNow() - _leaveRequestedAt > _options.LeaveTimeout)
        {
            RequestExit(ExitReason.LeaveTimedOut,
                $"No live peer acknowledged all of this node's state within {_options.LeaveTimeout}; its data stays on its disk: restart it to hand it over.");
        }
    }

    void RequestExit(ExitReason reason, string detail)
    {
        _exitGiven = true;
        _exit = new ExitRequest(reason, detail);
    }
}
