using System.Text.Encodings.Web;
using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tokenize;

/// <summary>
/// Reads and writes the byte-level BPE subset of Hugging Face's <c>tokenizer.json</c> format. Anything
/// outside that subset is refused with an <see cref="InputException"/> naming the file and JSON path,
/// rather than silently tokenizing differently from Hugging Face.
/// </summary>
internal static class TokenizerJson
{
    public static ByteLevelBpeDefinition Read(string path)
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InputException($"not valid JSON: {e.Message}", path, e.LineNumber + 1, inner: e);
        }
        catch (IOException e) { throw new InputException($"cannot read the tokenizer: {e.Message}", path, inner: e); }
        catch (UnauthorizedAccessException e) { throw new InputException($"cannot read the tokenizer: {e.Message}", path, inner: e); }

        using (document)
            return new Reader(path).Definition(document.RootElement);
    }

    private sealed class Reader(string path)
    {
        private InputException Error(string jsonPath, string message) => new($"{jsonPath}: {message}", path);

        private InputException Unsupported(string jsonPath, JsonElement element) =>
            Error(jsonPath, $"unsupported {Describe(element)}; only byte-level BPE (GPT-2 style) tokenizers are supported");

        private static string Describe(JsonElement element) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type)
                ? $"type {type}" : $"value {Truncated(element.GetRawText())}";

        private static string Truncated(string text) => text.Length <= 80 ? text : text[..80] + "…";

        public ByteLevelBpeDefinition Definition(JsonElement root)
        {
            ExpectKind(root, JsonValueKind.Object, "$");
            foreach (var name in new[] { "truncation", "padding" })
                if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
                    throw Unsupported($"$.{name}", value);

            var model = Required(root, "model", "$", JsonValueKind.Object);
            var nfc = ReadNormalizer(root);
            var (addPrefixSpace, useRegex) = ReadPreTokenizer(root);
            ReadDecoder(root);
            // The post-processor only adds special tokens (never, here: Encode adds none) and trims offsets.

            if (model.TryGetProperty("type", out var modelType) && modelType.ValueKind != JsonValueKind.Null
                && modelType.GetString() != "BPE")
                throw Unsupported("$.model.type", model);
            RequireNullOrDefault(model, "dropout", "$.model", allowZero: true);
            RequireNullOrDefault(model, "continuing_subword_prefix", "$.model");
            RequireNullOrDefault(model, "end_of_word_suffix", "$.model");
            if (OptionalBool(model, "byte_fallback", "$.model"))
                throw Error("$.model.byte_fallback", "byte_fallback is not supported (byte-level BPE never needs it)");

            var vocabulary = ReadVocabulary(Required(model, "vocab", "$.model", JsonValueKind.Object));
            var merges = ReadMerges(Required(model, "merges", "$.model", JsonValueKind.Array), vocabulary);
            var unknown = OptionalString(model, "unk_token", "$.model");
            if (unknown is not null && !vocabulary.ContainsKey(unknown))
                throw Error("$.model.unk_token", $"unk_token \"{unknown}\" is not in the vocabulary");

            return new ByteLevelBpeDefinition(vocabulary, merges, ReadAddedTokens(root), nfc, addPrefixSpace, useRegex,
                unknown, OptionalBool(model, "fuse_unk", "$.model"), OptionalBool(model, "ignore_merges", "$.model"));
        }

        private bool ReadNormalizer(JsonElement root)
        {
            if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null)
                return false;
            var nfc = false;
            foreach (var (element, jsonPath) in Flatten(normalizer, "$.normalizer", "normalizers"))
            {
                if (TypeOf(element, jsonPath) != "NFC") throw Unsupported(jsonPath, element);
                nfc = true;
            }
            return nfc;
        }

        private (bool AddPrefixSpace, bool UseRegex) ReadPreTokenizer(JsonElement root)
        {
            var preTokenizer = Required(root, "pre_tokenizer", "$", JsonValueKind.Object);
            var steps = Flatten(preTokenizer, "$.pre_tokenizer", "pretokenizers").ToList();
            if (steps.Count != 1 || TypeOf(steps[0].Element, steps[0].JsonPath) != "ByteLevel")
                throw Unsupported("$.pre_tokenizer", preTokenizer);
            var (byteLevel, jsonPath) = steps[0];
            return (OptionalBool(byteLevel, "add_prefix_space", jsonPath),
                    OptionalBool(byteLevel, "use_regex", jsonPath, defaultValue: true));
        }

        private void ReadDecoder(JsonElement root)
        {
            var decoder = Required(root, "decoder", "$", JsonValueKind.Object);
            var steps = Flatten(decoder, "$.decoder", "decoders").ToList();
            if (steps.Count != 1 || TypeOf(steps[0].Element, steps[0].JsonPath) != "ByteLevel")
                throw Unsupported("$.decoder", decoder);
        }

        /// <summary>A component, or the members of a <c>Sequence</c> component, with their JSON paths.</summary>
        private IEnumerable<(JsonElement Element, string JsonPath)> Flatten(JsonElement component, string jsonPath, string membersName)
        {
            if (TypeOf(component, jsonPath) != "Sequence")
            {
                yield return (component, jsonPath);
                yield break;
            }
            var members = Required(component, membersName, jsonPath, JsonValueKind.Array);
            var i = 0;
            foreach (var member in members.EnumerateArray())
            {
                var memberPath = $"{jsonPath}.{membersName}[{i++}]";
                ExpectKind(member, JsonValueKind.Object, memberPath);
                yield return (member, memberPath);
            }
        }

        private Dictionary<string, int> ReadVocabulary(JsonElement vocab)
        {
            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            var seenIds = new HashSet<int>();
            foreach (var entry in vocab.EnumerateObject())
            {
                string JsonPath() => $"$.model.vocab[{JsonSerializer.Serialize(entry.Name)}]";
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                    throw Error(JsonPath(), $"expected a non-negative integer id, found {Truncated(entry.Value.GetRawText())}");
                if (!seenIds.Add(id)) throw Error(JsonPath(), $"id {id} is given to two tokens");
                vocabulary[entry.Name] = id;
            }
            return vocabulary;
        }

        private List<(string, string)> ReadMerges(JsonElement merges, Dictionary<string, int> vocabulary)
        {
            var rules = new List<(string, string)>(merges.GetArrayLength());
            var i = 0;
            foreach (var merge in merges.EnumerateArray())
            {
                var index = i++;
                string JsonPath() => $"$.model.merges[{index}]";
                string[] parts = merge.ValueKind switch
                {
                    JsonValueKind.String => merge.GetString()!.Split(' '),
                    JsonValueKind.Array when merge.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String)
                        => [.. merge.EnumerateArray().Select(p => p.GetString()!)],
                    _ => [],
                };
                if (parts.Length != 2)
                    throw Error(JsonPath(), $"expected \"left right\" or [\"left\", \"right\"], found {Truncated(merge.GetRawText())}");
                foreach (var token in (ReadOnlySpan<string>)[parts[0], parts[1], parts[0] + parts[1]])
                    if (!vocabulary.ContainsKey(token))
                        throw Error(JsonPath(), $"token {JsonSerializer.Serialize(token)} is not in model.vocab");
                rules.Add((parts[0], parts[1]));
            }
            return rules;
        }

        private List<AddedToken> ReadAddedTokens(JsonElement root)
        {
            var tokens = new List<AddedToken>();
            if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind == JsonValueKind.Null) return tokens;
            ExpectKind(array, JsonValueKind.Array, "$.added_tokens");
            var i = 0;
            foreach (var entry in array.EnumerateArray())
            {
                var jsonPath = $"$.added_tokens[{i++}]";
                ExpectKind(entry, JsonValueKind.Object, jsonPath);
                var idElement = Required(entry, "id", jsonPath, JsonValueKind.Number);
                if (!idElement.TryGetInt32(out var id) || id < 0) throw Error($"{jsonPath}.id", "expected a non-negative integer");
                var content = OptionalString(entry, "content", jsonPath);
                if (string.IsNullOrEmpty(content)) throw Error($"{jsonPath}.content", "expected a non-empty string");
                var special = OptionalBool(entry, "special", jsonPath);
                tokens.Add(new AddedToken(id, content, special,
                    Normalized: OptionalBool(entry, "normalized", jsonPath, defaultValue: !special),
                    LeftStrip: OptionalBool(entry, "lstrip", jsonPath),
                    RightStrip: OptionalBool(entry, "rstrip", jsonPath),
                    SingleWord: OptionalBool(entry, "single_word", jsonPath)));
            }
            return tokens;
        }

        private string TypeOf(JsonElement component, string jsonPath)
        {
            ExpectKind(component, JsonValueKind.Object, jsonPath);
            return Required(component, "type", jsonPath, JsonValueKind.String).GetString()!;
        }

        private JsonElement Required(JsonElement parent, string name, string parentPath, JsonValueKind kind)
        {
            if (!parent.TryGetProperty(name, out var value))
                throw Error(parentPath, $"missing \"{name}\"");
            ExpectKind(value, kind, $"{parentPath}.{name}");
            return value;
        }

        private void ExpectKind(JsonElement element, JsonValueKind kind, string jsonPath)
        {
            if (element.ValueKind != kind)
                throw Error(jsonPath, $"expected {kind.ToString().ToLowerInvariant()}, found {Truncated(element.GetRawText())}");
        }

        private bool OptionalBool(JsonElement parent, string name, string parentPath, bool defaultValue = false)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return defaultValue;
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw Error($"{parentPath}.{name}", $"expected true or false, found {Truncated(value.GetRawText())}");
            return value.GetBoolean();
        }

        private string? OptionalString(JsonElement parent, string name, string parentPath)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            ExpectKind(value, JsonValueKind.String, $"{parentPath}.{name}");
            return value.GetString();
        }

        private void RequireNullOrDefault(JsonElement parent, string name, string parentPath, bool allowZero = false)
        {
            if (!parent.TryGetProperty(name, out var value)) return;
            var isDefault = value.ValueKind == JsonValueKind.Null
                || value.ValueKind == JsonValueKind.String && value.GetString() == ""
                || allowZero && value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0;
            if (!isDefault) throw Unsupported($"{parentPath}.{name}", value);
        }
    }

    public static void Write(ByteLevelBpeDefinition definition, string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");

        json.WriteStartArray("added_tokens");
        foreach (var token in definition.AddedTokens.OrderBy(t => t.Id))
        {
            json.WriteStartObject();
            json.WriteNumber("id", token.Id);
            json.WriteString("content", token.Content);
            json.WriteBoolean("single_word", token.SingleWord);
            json.WriteBoolean("lstrip", token.LeftStrip);
            json.WriteBoolean("rstrip", token.RightStrip);
            json.WriteBoolean("normalized", token.Normalized);
            json.WriteBoolean("special", token.Special);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        if (definition.NfcNormalization)
        {
            json.WriteStartObject("normalizer");
            json.WriteString("type", "NFC");
            json.WriteEndObject();
        }
        else json.WriteNull("normalizer");
        foreach (var component in new[] { "pre_tokenizer", "post_processor", "decoder" })
        {
            json.WriteStartObject(component);
            json.WriteString("type", "ByteLevel");
            json.WriteBoolean("add_prefix_space", definition.AddPrefixSpace);
            json.WriteBoolean("trim_offsets", true);
            json.WriteBoolean("use_regex", definition.UseRegex);
            json.WriteEndObject();
        }

        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        if (definition.UnknownToken is null) json.WriteNull("unk_token");
        else json.WriteString("unk_token", definition.UnknownToken);
        json.WriteNull("continuing_subword_prefix");
        json.WriteNull("end_of_word_suffix");
        json.WriteBoolean("fuse_unk", definition.FuseUnknown);
        json.WriteBoolean("byte_fallback", false);
        json.WriteBoolean("ignore_merges", definition.IgnoreMerges);
        json.WriteStartObject("vocab");
        foreach (var (token, id) in definition.Vocabulary.OrderBy(entry => entry.Value))
            json.WriteNumber(token, id);
        json.WriteEndObject();
        json.WriteStartArray("merges");
        foreach (var (left, right) in definition.Merges)
        {
            // The compact "a b" form (readable by every tokenizers version) unless a symbol holds a space.
            if (left.Contains(' ') || right.Contains(' '))
            {
                json.WriteStartArray();
                json.WriteStringValue(left);
                json.WriteStringValue(right);
                json.WriteEndArray();
            }
            else json.WriteStringValue($"{left} {right}");
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
