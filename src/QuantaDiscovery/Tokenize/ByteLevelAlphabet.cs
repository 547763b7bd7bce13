namespace QuantaDiscovery.Tokenize;

/// <summary>
/// GPT-2's reversible map between the 256 byte values and 256 printable Unicode characters
/// (Radford et al. 2019, <c>bytes_to_unicode</c> in openai/gpt-2 encoder.py): printable Latin-1 bytes
/// ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves, the other 68 bytes take U+0100, U+0101, ... in
/// byte order, so a space (0x20) is written 'Ġ' (U+0120).
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character that stands for each byte value.</summary>
    public static IReadOnlyList<char> CharOfByte => s_charOfByte;

    private static readonly char[] s_charOfByte = BuildCharOfByte();
    private static readonly short[] s_byteOfChar = BuildByteOfChar();

    /// <summary>The byte a character stands for, or -1 when it is not one of the 256 alphabet characters.</summary>
    public static int ByteOf(char c) => c < s_byteOfChar.Length ? s_byteOfChar[c] : -1;

    /// <summary>
    /// The bytes a token string stands for, as Hugging Face's ByteLevel decoder reads it: the
    /// alphabet's bytes when every character belongs to the alphabet, else the string's own UTF-8
    /// (added tokens such as a run of spaces are stored verbatim).
    /// </summary>
    public static byte[] BytesOfToken(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var b = ByteOf(token[i]);
            if (b < 0) return System.Text.Encoding.UTF8.GetBytes(token);
            bytes[i] = (byte)b;
        }
        return bytes;
    }

    /// <summary>The alphabet string of a byte sequence.</summary>
    public static string TokenOfBytes(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) chars[i] = s_charOfByte[bytes[i]];
        return new string(chars);
    }

    private static bool StandsForItself(int b) => b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';

    private static char[] BuildCharOfByte()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
            map[b] = StandsForItself(b) ? (char)b : (char)next++;
        return map;
    }

    private static short[] BuildByteOfChar()
    {
        var map = new short[256 + 68];
        Array.Fill(map, (short)-1);
        for (var b = 0; b < 256; b++) map[s_charOfByte[b]] = (short)b;
        return map;
    }
}
