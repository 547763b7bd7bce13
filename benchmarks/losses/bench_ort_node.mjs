// Plain onnxruntime-node side of benchmarks/losses: the same model.onnx returning full logits; per-token losses
// computed here in JavaScript (log-sum-exp minus the target's logit).
// Usage: node bench_ort_node.mjs <work> <threads> <batch> <documents .npy> <timing> <model>...
// Documents are the rows of <work>/<model>/<documents .npy> (int32), each cut at its first −1, so of any length; a
// batch pads its documents on the right to the longest (attention_mask 0 there). timing cold: one pass and nothing
// before it (for whole-process timing); warm:N: a warm-up on one document, then the fastest of N passes.
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

function readDocuments(file) {
  const bytes = fs.readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  const [rows, cols] = header.match(/'shape': \((\d+), (\d+)\)/).slice(1).map(Number);
  const data = new Int32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length));
  const documents = [];
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * cols, (r + 1) * cols);
    const end = row.indexOf(-1);
    documents.push(end < 0 ? row : row.subarray(0, end));
  }
  return documents;
}

const [work, threads, batch, documentsFile, timing, ...models] = process.argv.slice(2);
for (const name of models) {
  const folder = path.join(work, name);
  const session = await ort.InferenceSession.create(path.join(folder, 'model.onnx'), {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const documents = readDocuments(path.join(folder, documentsFile));

  async function score(group) {
    const length = Math.max(...group.map(d => d.length));
    const ids = new BigInt64Array(group.length * length);
    const mask = new BigInt64Array(group.length * length);
    group.forEach((d, b) => d.forEach((t, i) => { ids[b * length + i] = BigInt(t); mask[b * length + i] = 1n; }));
    const { logits } = await session.run({
      input_ids: new ort.Tensor('int64', ids, [group.length, length]),
      attention_mask: new ort.Tensor('int64', mask, [group.length, length]),
    });
    const vocab = logits.dims[2], values = logits.data;
    let sum = 0;
    group.forEach((d, b) => {
      for (let t = 0; t + 1 < d.length; t++) {
        const row = (b * length + t) * vocab;
        let max = -Infinity;
        for (let v = 0; v < vocab; v++) if (values[row + v] > max) max = values[row + v];
        let total = 0;
        for (let v = 0; v < vocab; v++) total += Math.exp(values[row + v] - max);
        sum += max + Math.log(total) - values[row + d[t + 1]];
      }
    });
    return sum;
  }

  const passes = timing === 'cold' ? 1 : Number(timing.split(':')[1]);
  if (timing !== 'cold') await score(documents.slice(0, 1));
  let seconds = Infinity, sum = 0;
  for (let repeat = 0; repeat < passes; repeat++) {
    const start = process.hrtime.bigint();
    sum = 0;
    for (let first = 0; first < documents.length; first += Number(batch)) sum += await score(documents.slice(first, first + Number(batch)));
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const tokens = documents.reduce((n, d) => n + d.length, 0);
  console.log(JSON.stringify({
    side: `onnxruntime-node ${ort.env.versions?.common ?? ''} full logits, batch ${batch}`, model: name, documents: documents.length,
    tokens, seconds, mean_loss: sum / (tokens - documents.filter(d => d.length > 0).length),
  }));
}
