namespace Tally.Replication.Tests;

/// <summary>Whether the tests run under Stryker: <c>scripts/mutation.sh</c> sets <c>TALLY_MUTATION=1</c>. Stryker runs
/// every test that covers a mutant once per mutant, so the few randomized tests that cover nearly every line run
/// fewer seeds there (see docs/testing.md); a normal run always runs the full count.</summary>
static class MutationRun
{
    public static bool Active { get; } = Environment.GetEnvironmentVariable("TALLY_MUTATION") == "1";

    /// <summary><paramref name="full"/> normally; <paramref name="underMutation"/> under Stryker.</summary>
    public static int Seeds(int full, int underMutation) => Active ? underMutation : full;
}
