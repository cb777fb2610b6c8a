// One Docker engine, fixed published ports (8000-8005) and a 2-core machine: the classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: AssemblyFixture(typeof(Tally.Deploy.Tests.OfflineImage))]
