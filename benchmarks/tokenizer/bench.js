// Reference side: Hugging Face tokenizers (Rust) through its Node bindings, on the same tokenizer.json
// and texts as the .NET side. Usage: node bench.js <tokenizer.json> <texts.json> single|batch [ids.bin]
// Threads for batch mode come from RAYON_NUM_THREADS. Prints "RESULT hf <mode> <MB/s>".
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

const [tokenizerPath, textsPath, mode, idsPath] = process.argv.slice(2);
const tokenizer = Tokenizer.fromFile(tokenizerPath);
const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
const megabytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t, 'utf8'), 0) / 1e6;
const options = { addSpecialTokens: false };

async function pass() {
  if (mode === 'single') {
    const ids = [];
    for (const text of texts) ids.push((await tokenizer.encode(text, null, options)).getIds());
    return ids;
  }
  return (await tokenizer.encodeBatch(texts, options)).map((e) => e.getIds());
}

(async () => {
  const ids = await pass(); // warm-up
  if (idsPath) {
    // Per text: int32 token count, then the int32 ids (little-endian).
    const total = ids.reduce((sum, a) => sum + 1 + a.length, 0);
    const buffer = Buffer.alloc(4 * total);
    let offset = 0;
    for (const a of ids) {
      buffer.writeInt32LE(a.length, offset); offset += 4;
      for (const id of a) { buffer.writeInt32LE(id, offset); offset += 4; }
    }
    fs.writeFileSync(idsPath, buffer);
  }
  let best = Infinity;
  let cpuOfBest = 0;
  for (let run = 0; run < 3; run++) {
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    await pass();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    if (seconds < best) [best, cpuOfBest] = [seconds, (cpu.user + cpu.system) / 1e6];
  }
  // Cores busy = CPU seconds / wall seconds: on a shared machine it shows how much CPU the run got.
  const name = mode === 'batch' ? `batch${process.env.RAYON_NUM_THREADS}` : mode;
  console.log(`RESULT hf ${name} ${(megabytes / best).toFixed(2)}   (cores busy ${(cpuOfBest / best).toFixed(2)})`);
})();
