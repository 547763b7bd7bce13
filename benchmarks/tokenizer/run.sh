#!/usr/bin/env bash
# Tokenizer benchmark: QuantaDiscovery's ByteLevelBpeTokenizer (.NET) against Hugging Face tokenizers
# (Rust, npm `tokenizers` Node bindings) on the GPT-NeoX-20B tokenizer and ~4 MB of real text.
# No arguments; re-runnable. Prints MB/s for each side and mode, the ratio, and the id mismatch count.
set -euo pipefail
cd "$(dirname "$0")"
tokenizer=../../models/tokenizers/gpt-neox-20b/tokenizer.json
mkdir -p out

[ -d node_modules/tokenizers ] || npm install --no-audit --no-fund --silent
node make-texts.js out/texts.json
dotnet build TokenizerBenchmark.csproj -c Release -o out/dotnet -v quiet -nologo | grep -E "error|warn" || true

{
  RAYON_NUM_THREADS=1 node bench.js "$tokenizer" out/texts.json single out/hf-ids.bin
  RAYON_NUM_THREADS=1 node bench.js "$tokenizer" out/texts.json batch
  RAYON_NUM_THREADS=2 node bench.js "$tokenizer" out/texts.json batch
  dotnet out/dotnet/TokenizerBenchmark.dll "$tokenizer" out/texts.json out/hf-ids.bin
} | tee out/results.txt

awk '/^RESULT/ { mbps[$2 " " $3] = $4 }
  END {
    printf "\n%-8s %12s %12s %8s\n", "mode", "HF MB/s", ".NET MB/s", ".NET/HF"
    n = split("single batch1 batch2", modes, " ")
    for (i = 1; i <= n; i++) {
      m = modes[i]; hf = mbps["hf " m]; ours = mbps["dotnet " m]
      printf "%-8s %12.2f %12.2f %8.2f\n", m, hf, ours, ours / hf
    }
    printf "batch speed-up 1->2 threads: HF %.2fx, .NET %.2fx\n", mbps["hf batch2"] / mbps["hf batch1"], mbps["dotnet batch2"] / mbps["dotnet batch1"]
  }' out/results.txt
