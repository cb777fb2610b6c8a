using Microsoft.Extensions.Time.Testing;

namespace Tally.Storage.Tests;

public class IncarnationFileTests
{
    static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_IsStrictlyIncreasing_EvenWhenTheClockGoesBack()
    {
        using var dir = new TempDirectory();
        var first = IncarnationFile.Next(dir.Path, new FakeTimeProvider(Now));
        Assert.Equal(Now.ToUnixTimeMilliseconds(), first);
        var behind = new FakeTimeProvider(Now.AddHours(-1)); // the clock went back between two starts
        var second = IncarnationFile.Next(dir.Path, behind);
        var third = IncarnationFile.Next(dir.Path, behind);
        Assert.True(second == first + 1 && third == second + 1, $"incarnations must grow by one while the clock is behind: {first}, {second}, {third}");
        var ahead = IncarnationFile.Next(dir.Path, new FakeTimeProvider(Now.AddHours(1)));
        Assert.Equal(Now.AddHours(1).ToUnixTimeMilliseconds(), ahead);
        Assert.Equal($"{ahead}\n", File.ReadAllText(Path.Combine(dir.Path, "incarnation")));
    }

    [Fact]
    public void Next_Throws_WhenTheFileIsDamaged()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "incarnation"), "12x4\n");
        var error = Assert.Throws<InvalidDataException>(() => IncarnationFile.Next(dir.Path, new FakeTimeProvider(Now)));
        Assert.Contains("incarnation", error.Message);
    }
}
