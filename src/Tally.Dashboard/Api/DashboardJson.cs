using System.Text.Json;

namespace Tally.Dashboard.Api;

static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
