using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantaDiscovery.Toys;

/// <summary>The JSON conventions of the toy outputs: snake_case names, enums as strings, indented.</summary>
internal static class ToyJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Task names such as "x+y" and "x^2+y^2" stay readable instead of "x\u002By".
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write<T>(string path, T value) => File.WriteAllText(path, JsonSerializer.Serialize(value, Options) + "\n");
}
