#!/usr/bin/env bash
# Builds models/pico/: the pico tokenizer, the suite in models/pico/suite.json trained on the mini-Pile, and its
# test-loss report (test_losses.csv, loss_vs_size.png, loss_vs_step.png, models.csv).
# Re-run from the repository root: pipelines/pico/build.sh   (WORK=<dir> keeps the run folders elsewhere; default /tmp/pico)
# The sizes train one after another here. The shipped suite was trained faster on the loaded machine: pico-3k in one
# --threads 2 run, the others as one-size `--suite` runs side by side with --threads 1 (pico-13k resumed at step 168
# with 1 thread after starting with 2); the data order and schedule are the same, float rounding may differ.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-/tmp/pico}
dotnet build src/QuantaDiscovery.Cli/QuantaDiscovery.Cli.csproj -c Release 2>&1 | grep -E " error |rror\(s\)" || true
quanta() { dotnet src/QuantaDiscovery.Cli/bin/Release/net10.0/quanta.dll "$@"; }

quanta truncate-tokenizer --tokenizer models/tokenizers/gpt-neox-20b/tokenizer.json --merges 1000 --output models/pico/tokenizer.json
quanta train-lm --suite models/pico/suite.json --corpus data/mini-pile/train.jsonl.zst --tokenizer models/pico/tokenizer.json \
  --output "$WORK/suite" --threads 1
for run in "$WORK"/suite/pico-*; do
  name=$(basename "$run"); mkdir -p "models/pico/$name"
  cp -r "$run"/step* "$run/train_log.csv" "models/pico/$name/"
done

models=(); for folder in models/pico/pico-*/step*; do quanta export-onnx --model "$folder" >/dev/null; models+=(--model "$folder"); done
quanta losses "${models[@]}" --input data/mini-pile/test.jsonl.zst --output "$WORK/eval" --context 128 --max-docs 300 --threads 2
quanta suite-report --suite models/pico/suite.json --losses "$WORK/eval" --output models/pico
rm -f models/pico/pico-*/step*/model.onnx models/pico/*.svg
final=$(/usr/bin/python3 -c "import json; print(json.load(open('models/pico/suite.json'))['steps'])")
{ echo "name,params"; grep "/step$final," models/pico/test_losses.csv | cut -d, -f1,3; } > models/pico/models.csv
