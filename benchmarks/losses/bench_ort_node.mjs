// Plain onnxruntime-node side of benchmarks/losses: the same model.onnx returning full logits; per-token losses
// computed here in JavaScript (log-sum-exp minus the target's logit). Usage: node bench_ort_node.mjs <work> <threads> <batch> <model>...
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

function readNpyInt32(file) {
  const bytes = fs.readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  const shape = header.match(/'shape': \((\d+), (\d+)\)/).slice(1).map(Number);
  const data = new Int32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length));
  return { data, rows: shape[0], cols: shape[1] };
}

const [work, threads, batch, ...models] = process.argv.slice(2);
for (const name of models) {
  const folder = path.join(work, name);
  const session = await ort.InferenceSession.create(path.join(folder, 'model.onnx'), {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const { data, rows, cols } = readNpyInt32(path.join(folder, 'documents.npy'));

  async function score(first, count) {
    const ids = new BigInt64Array(count * cols);
    for (let i = 0; i < ids.length; i++) ids[i] = BigInt(data[first * cols + i]);
    const mask = new BigInt64Array(count * cols).fill(1n);
    const { logits } = await session.run({
      input_ids: new ort.Tensor('int64', ids, [count, cols]),
      attention_mask: new ort.Tensor('int64', mask, [count, cols]),
    });
    const vocab = logits.dims[2], values = logits.data;
    let sum = 0;
    for (let b = 0; b < count; b++)
      for (let t = 0; t + 1 < cols; t++) {
        const row = (b * cols + t) * vocab;
        let max = -Infinity;
        for (let v = 0; v < vocab; v++) if (values[row + v] > max) max = values[row + v];
        let total = 0;
        for (let v = 0; v < vocab; v++) total += Math.exp(values[row + v] - max);
        sum += max + Math.log(total) - values[row + Number(ids[b * cols + t + 1])];
      }
    return sum;
  }

  await score(0, 1);
  // The fastest of three passes, as on our side.
  let seconds = Infinity, sum = 0;
  for (let repeat = 0; repeat < 3; repeat++) {
    const start = process.hrtime.bigint();
    sum = 0;
    for (let first = 0; first < rows; first += Number(batch)) sum += await score(first, Math.min(Number(batch), rows - first));
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  console.log(JSON.stringify({
    side: `onnxruntime-node ${ort.env.versions?.common ?? ''} full logits, batch ${batch}`, model: name, documents: rows,
    tokens: rows * cols, seconds, mean_loss: sum / (rows * (cols - 1)),
  }));
}
