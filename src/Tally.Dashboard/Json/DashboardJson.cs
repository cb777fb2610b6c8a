using System.Text.Json;

namespace Tally.Dashboard.Json;

/// <summary>JSON of the dashboard's own API and event stream: web defaults, counts as decimal strings.</summary>
static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = Configure(new(JsonSerializerDefaults.Web));

    /// <summary>Adds the count converter to <paramref name="options"/> (also used for the minimal API's options).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new CountJsonConverter());
        return options;
    }
}
