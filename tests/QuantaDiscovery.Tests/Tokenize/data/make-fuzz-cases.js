// Writes fuzz-cases.jsonl: seeded random Unicode texts with the ids Hugging Face tokenizers (Rust, via
// the npm `tokenizers` package) gives them with GPT-NeoX-20B's tokenizer.json, add_special_tokens false,
// and its decoding of those ids.
// Also writes small/<name>.tokenizer.json + small/<name>.cases.jsonl: GPT-NeoX-20B cut to its first
// 1000 merges (done here, independently of the C# Truncate), and variants of it that exercise the other
// tokenizer.json forms the loader accepts, each with Hugging Face's ids for random texts.
// Re-run from the repository root: (cd benchmarks/tokenizer && npm install) && node tests/QuantaDiscovery.Tests/Tokenize/data/make-fuzz-cases.js
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '../../../..');
const { Tokenizer } = require(path.join(root, 'benchmarks/tokenizer/node_modules/tokenizers'));

// mulberry32: a small seeded PRNG, so the fixture is reproducible.
let state = 20230323;
function random() {
  state = (state + 0x6D2B79F5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const spaces = (n) => ' '.repeat(n);

const pieces = [
  // words, contractions (GPT-2's regex is case-sensitive: 'S is not a contraction), numbers
  'the', 'The', ' quanta', 'naïve', 'Straße', "don't", "it's", "we'll", "they're", "I'VE", "'S", "'",
  '12345678901234567890', '3.14159', '0x1F', '٣٤٥', '²³', 'Ⅻ', '½',
  // punctuation and code
  '.', ',', '!?', '...', '—', '()', '{}', '=>', '#include', '__init__', '// comment', '"quoted"', '$', '@',
  // whitespace: single and runs of spaces (added tokens 50254–50276 cover 2–24), tabs, newlines, odd spaces
  ' ', ' ', ' ', spaces(2), spaces(3), spaces(7), spaces(23), spaces(24), spaces(25), spaces(49),
  '\t', '\t\t', '\n', '\n\n', '\r\n', '\r\n\r\n', '\u00a0', '\u3000', '\u2028', '\u000b', '\u000c', '\u0085',
  '\u1680', '\u2009', '\u200b', '\u001c', '\u001f',
  // combining marks (NFC composes some), Hangul jamo (NFC composes to syllables), decomposed forms
  'e\u0301', 'A\u030a', 'o\u0308\u0304', 'q\u0323\u0307', '\u0301', '\u1100\u1161\u11a8', 'n\u0303',
  // marks assigned after Unicode 9.0, which Hugging Face's NFC tables do not know (ICU reorders/composes them)
  'a\u0d3b\u0323', 'o\u0308\u0eba', 'e\ua82c\u0301', '\u{11935}\u{11930}', '\u1df6',
  // scripts: CJK, Japanese, Arabic, Devanagari, Greek, Cyrillic, Thai, Hebrew
  '量子', '中文字符', 'カタカナ', 'ひらがな', 'مرحبا', 'नमस्ते', 'ψυχή', 'Привет', 'ภาษาไทย', 'שלום',
  // emoji: astral, ZWJ sequences, skin tones, flags, variation selectors; astral letters and digits
  '😀', '👍🏽', '👨‍👩‍👧', '🇩🇪', '❤️', '🤖🤖', '𝐀𝐁𝐂', '𝟘𝟙', '𠀀', '\ufeff', '\ufffd',
  // added tokens and near misses
  '<|endoftext|>', '<|padding|>', '<|endoftext', '<|', '|>', '<|endoftext|><|endoftext|>',
];

const texts = [];
for (let i = 0; i < 400; i++) {
  const n = 1 + Math.floor(random() * 30);
  let text = '';
  for (let j = 0; j < n; j++) text += pick(pieces);
  texts.push(text);
}

async function writeCases(tokenizer, texts, file) {
  const lines = [];
  for (const text of texts) {
    const ids = Array.from((await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds());
    lines.push(JSON.stringify({ text, ids, decoded: await tokenizer.decode(ids, false) }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  console.log(`wrote ${lines.length} cases to ${path.relative(root, file)}`);
}

// GPT-2's byte alphabet: printable Latin-1 bytes stand for themselves, the rest take U+0100 onwards.
function byteAlphabet() {
  const chars = new Set();
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars.add(String.fromCharCode(printable ? b : next++));
  }
  return chars;
}

// Keep byte symbols, the first `keep` merges' tokens and the added tokens; renumber in original id order.
function firstMerges(json, keep) {
  const alphabet = byteAlphabet();
  const vocab = json.model.vocab;
  const merges = json.model.merges.slice(0, keep).map((m) => (typeof m === 'string' ? m.split(' ') : m));
  const kept = new Set(json.added_tokens.map((t) => t.id));
  for (const [token, id] of Object.entries(vocab)) if (alphabet.has(token)) kept.add(id);
  for (const [a, b] of merges) kept.add(vocab[a + b]);
  const order = [...kept].sort((x, y) => x - y);
  const renumber = new Map(order.map((old, index) => [old, index]));
  const newVocab = {};
  for (const [token, id] of Object.entries(vocab).sort((x, y) => x[1] - y[1]))
    if (kept.has(id)) newVocab[token] = renumber.get(id);
  return {
    ...json,
    added_tokens: json.added_tokens.map((t) => ({ ...t, id: renumber.get(t.id) })),
    model: { ...json.model, vocab: newVocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  };
}

// The truncated tokenizer with every other accepted form: Sequence wrappers, merges as pairs,
// add_prefix_space, and added tokens using lstrip / rstrip / single_word / a normalized pattern.
function variantWithAddedTokenOptions(json) {
  const next = 1 + Math.max(...json.added_tokens.map((t) => t.id));
  const token = (id, content, options) => ({
    id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...options,
  });
  return {
    ...json,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }] },
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }] },
    added_tokens: [
      ...json.added_tokens,
      token(next, '<mask>', { lstrip: true }),
      token(next + 1, '[R]', { rstrip: true }),
      token(next + 2, 'cat', { single_word: true, normalized: true, special: false }),
      token(next + 3, 'A\u030a', { normalized: true, special: false }),
    ],
    model: { ...json.model, merges: json.model.merges.map((m) => m.split(' ')) },
  };
}

function variantWithoutRegexOrNormalizer(json) {
  return {
    ...json,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
  };
}

const addedTokenPieces = [...pieces, '<mask>', ' <mask>', '\t <mask>', '[R]', '[R]  ', 'cat', ' cat ', 'cats', '_cat',
  'Å', 'A\u030a', 'Åland', 'concat'];
const randomTexts = (pool, count) => Array.from({ length: count }, () => {
  let text = '';
  for (let j = 1 + Math.floor(random() * 20); j > 0; j--) text += pick(pool);
  return text;
});

(async () => {
  const neoxPath = path.join(root, 'models/tokenizers/gpt-neox-20b/tokenizer.json');
  await writeCases(Tokenizer.fromFile(neoxPath), texts, path.join(__dirname, 'fuzz-cases.jsonl'));

  const small = path.join(__dirname, 'small');
  fs.mkdirSync(small, { recursive: true });
  const truncated = firstMerges(JSON.parse(fs.readFileSync(neoxPath, 'utf8')), 1000);
  const variants = {
    'neox-1000-merges': [truncated, texts.slice(0, 200)],
    'added-token-options': [variantWithAddedTokenOptions(truncated), randomTexts(addedTokenPieces, 200)],
    'no-regex-no-normalizer': [variantWithoutRegexOrNormalizer(truncated), randomTexts(pieces, 100)],
  };
  for (const [name, [json, variantTexts]] of Object.entries(variants)) {
    const file = path.join(small, `${name}.tokenizer.json`);
    fs.writeFileSync(file, JSON.stringify(json));
    await writeCases(Tokenizer.fromFile(file), variantTexts, path.join(small, `${name}.cases.jsonl`));
  }
})();
