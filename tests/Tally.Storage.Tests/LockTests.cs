using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

public class LockTests
{
    [Fact]
    public async Task Constructor_Throws_WhileAnotherStoreHoldsTheDirectory()
    {
        using var dir = new TempDirectory();
        var first = Open(dir.Path);
        await using (first)
        {
            var error = Assert.Throws<DataDirectoryLockedException>(() => Open(dir.Path));
            Assert.Contains(dir.Path, error.Message);
            Assert.Contains("in use", error.Message);
        }
        await using var second = Open(dir.Path); // released on dispose
    }
}
