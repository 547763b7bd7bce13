// Writes fuzz-cases.jsonl: seeded random Unicode texts with the ids Hugging Face tokenizers (Rust, via
// the npm `tokenizers` package) gives them with GPT-NeoX-20B's tokenizer.json, add_special_tokens false.
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

const tokenizer = Tokenizer.fromFile(path.join(root, 'models/tokenizers/gpt-neox-20b/tokenizer.json'));
(async () => {
  const lines = [];
  for (const text of texts) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    lines.push(JSON.stringify({ text, ids: Array.from(encoding.getIds()) }));
  }
  fs.writeFileSync(path.join(__dirname, 'fuzz-cases.jsonl'), lines.join('\n') + '\n');
  console.log(`wrote ${lines.length} cases`);
})();
