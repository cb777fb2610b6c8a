using YamlDotNet.RepresentationModel;

namespace Tally.Deploy.Tests;

/// <summary>deploy/k8s: every object validated against the Kubernetes API's JSON schemas (kubernetes-models, pinned in
/// deploy/k8s/validate/package-lock.json, schemas inside the package), and the layout the README promises: a
/// StatefulSet with a volume per pod, discovery through a headless Service that lists not-ready pods, the Secret,
/// probes, scrape annotations, a PodDisruptionBudget and the dashboard as a Deployment.</summary>
public sealed class KubernetesManifestTests
{
    static readonly string K8s = Path.Combine(Repo.Root, "deploy", "k8s");
    static readonly string Validator = Path.Combine(K8s, "validate", "validate.mjs");

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every manifest: the plain set, the TLS set and the scale-in pod (kustomization files are not objects).</summary>
    static List<string> Manifests() =>
        [.. Directory.EnumerateFiles(K8s, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml" && !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Manifests_EveryObject_ValidAgainstKubernetesSchemas()
    {
        RequireValidator();
        var files = Manifests();
        var result = await Command.RunAsync("node", [Validator, .. files], TimeSpan.FromMinutes(2), ct: Ct);
        Assert.True(result.Code == 0, $"every object must match the Kubernetes schemas:\n{result.Text}");
        var objects = files.Sum(f => Documents(f).Count);
        Assert.Equal(objects, result.Output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
        Assert.True(objects >= 10, $"the plain and TLS sets must be validated, found {objects} objects");
    }

    [Fact]
    public async Task Validator_Fails_ForAnObjectAgainstTheSchema()
    {
        RequireValidator();
        var bad = Path.Combine(Path.GetTempPath(), $"tally-bad-{Guid.NewGuid():n}.yaml");
        await File.WriteAllTextAsync(bad, File.ReadAllText(Path.Combine(K8s, "statefulset.yaml")).Replace("replicas: 3", "replicas: three", StringComparison.Ordinal), Ct);
        try
        {
            var result = await Command.RunAsync("node", [Validator, bad], TimeSpan.FromMinutes(2), ct: Ct);
            Assert.True(result.Code == 1 && result.Output.Contains("replicas", StringComparison.Ordinal),
                $"the validator must refuse a string replica count:\n{result.Text}");
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Theory]
    [InlineData("", "http")]
    [InlineData("tls", "https")]
    public void StatefulSet_DiscoversThroughHeadlessServiceWithVolumesProbesAndSecrets(string variant, string scheme)
    {
        var set = Single(Path.Combine(K8s, variant, "statefulset.yaml"));
        Assert.Equal("StatefulSet", set["kind"].ToString());
        var spec = Map(set, "spec");
        var labels = Map(spec, "template", "metadata", "labels");
        var replicas = int.Parse(spec["replicas"].ToString(), System.Globalization.CultureInfo.InvariantCulture);

        var headless = Single(Path.Combine(K8s, "service-headless.yaml"));
        Assert.Equal(spec["serviceName"].ToString(), Map(headless, "metadata")["name"].ToString());
        Assert.Equal("None", Map(headless, "spec")["clusterIP"].ToString());
        Assert.Equal("true", Map(headless, "spec")["publishNotReadyAddresses"].ToString());
        Assert.True(Matches(Map(headless, "spec", "selector"), labels), "the headless Service must select the node pods");

        var pod = Map(spec, "template", "spec");
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"])[0];
        var args = Strings(container["args"]);
        Assert.Equal("node", args[0]);
        Assert.Contains("--id-from-hostname", args);
        Assert.Contains($"--peers-dns={spec["serviceName"]}:8001", args);
        Assert.Contains($"--listen={scheme}://0.0.0.0:8001", args);
        Assert.Contains("--data=/data", args);
        Assert.DoesNotContain(args, a => a.Contains("leave", StringComparison.OrdinalIgnoreCase));
        Assert.False(container.Children.ContainsKey("lifecycle"), "SIGTERM must not leave: no preStop hook (a rolling restart would leave for good)");

        var claim = (YamlMappingNode)((YamlSequenceNode)spec["volumeClaimTemplates"])[0];
        var mount = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>().Single(m => m["mountPath"].ToString() == "/data");
        Assert.Equal(Map(claim, "metadata")["name"].ToString(), mount["name"].ToString());

        var probeScheme = scheme == "https" ? "HTTPS" : "HTTP";
        Assert.Equal("/health", Map(container, "readinessProbe", "httpGet")["path"].ToString());
        Assert.Equal("/alive", Map(container, "livenessProbe", "httpGet")["path"].ToString());
        Assert.Equal(probeScheme, Map(container, "readinessProbe", "httpGet").Children.TryGetValue("scheme", out var s) ? s.ToString() : "HTTP");

        var annotations = Map(spec, "template", "metadata", "annotations");
        Assert.Equal("true", annotations["prometheus.io/scrape"].ToString());
        Assert.Equal("/metrics", annotations["prometheus.io/path"].ToString());
        Assert.Equal("8001", annotations["prometheus.io/port"].ToString());

        var secret = Single(Path.Combine(K8s, "secret.yaml"));
        var keys = Map(secret, "stringData").Children.Keys.Select(k => k.ToString()).ToHashSet();
        var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => e["name"].ToString());
        foreach (var (variable, key) in new[] { ("TALLY_CLUSTER_KEY", "cluster-key"), ("TALLY_ADMIN_TOKEN", "admin-token") })
        {
            var reference = Map(env[variable], "valueFrom", "secretKeyRef");
            Assert.Equal(Map(secret, "metadata")["name"].ToString(), reference["name"].ToString());
            Assert.Equal(key, reference["key"].ToString());
            Assert.Contains(key, keys);
        }
        Assert.Equal($"{scheme}://$(POD_IP):8001", env["TALLY_ADVERTISE"]["value"].ToString());

        var budget = Single(Path.Combine(K8s, "pdb.yaml"));
        Assert.Equal("PodDisruptionBudget", budget["kind"].ToString());
        Assert.Equal("1", Map(budget, "spec")["maxUnavailable"].ToString());
        Assert.True(Matches(Map(budget, "spec", "selector", "matchLabels"), labels), "the PodDisruptionBudget must select the node pods");

        var dashboard = Documents(Path.Combine(K8s, variant, "dashboard.yaml")).Single(d => d["kind"].ToString() == "Deployment");
        var dashboardArgs = Strings(((YamlMappingNode)((YamlSequenceNode)Map(dashboard, "spec", "template", "spec")["containers"])[0])["args"]);
        Assert.Equal("dashboard", dashboardArgs[0]);
        var nodes = Enumerable.Range(0, replicas).Select(i => $"{scheme}://tally-{i}.{spec["serviceName"]}:8001");
        Assert.Contains($"--nodes={string.Join(',', nodes)}", dashboardArgs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tls")]
    public void Kustomization_ListsExistingFiles(string variant)
    {
        var root = Single(Path.Combine(K8s, variant, "kustomization.yaml"));
        var resources = Strings(root["resources"]);
        Assert.NotEmpty(resources);
        Assert.All(resources, r => Assert.True(File.Exists(Path.Combine(K8s, variant, r)), $"{r} must exist"));
        Assert.Contains(resources, r => r.EndsWith("statefulset.yaml", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.EndsWith("pdb.yaml", StringComparison.Ordinal));
    }

    static void RequireValidator() =>
        Assert.True(Directory.Exists(Path.Combine(K8s, "validate", "node_modules", "kubernetes-models")),
            "deploy/k8s/validate/node_modules is missing: run 'npm ci --prefix deploy/k8s/validate' (./test.sh does).");

    static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(file)));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    static YamlMappingNode Single(string file) => Documents(file).Single();

    static YamlMappingNode Map(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => (YamlMappingNode)n[key]);

    static List<string> Strings(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => c.ToString())];

    static bool Matches(YamlMappingNode selector, YamlMappingNode labels) =>
        selector.Children.All(s => labels.Children.TryGetValue(s.Key, out var v) && v.ToString() == s.Value.ToString());
}
