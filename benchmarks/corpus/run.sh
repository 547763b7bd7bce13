#!/usr/bin/env bash
# Corpus reader benchmark. Generates a Pile-like .jsonl.zst of CORPUS_BENCH_BYTES uncompressed bytes (default
# 2.5 GB) in /tmp, streamed (never held in memory), then reads it three ways on the same file:
#   ours        CorpusReader (benchmarks/corpus/CorpusBench), with memory at 10%, 50%, 100% of the file
#   reference   zstd -dc | wc -lc            (the floor: decompression alone)
#   reference   Python json.loads per line   (zstandard module if installed, else zstd -dc | python)
# and prints the throughput ratio. The file is deleted at the end. No arguments.
set -euo pipefail
cd "$(dirname "$0")"
BYTES=${CORPUS_BENCH_BYTES:-2500000000}
PYTHON=/usr/bin/python3
WORK=$(mktemp -d /tmp/corpus-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
FILE=$WORK/pile.jsonl.zst

if ! command -v zstd > /dev/null; then
    grep -q "apt done" /tmp/apt.log 2> /dev/null || { echo "zstd is missing and apt is busy; try later" >&2; exit 1; }
    apt-get install -y -q zstd > /dev/null
fi

dotnet build CorpusBench -c Release -nologo -v q 2>&1 | grep -E " error | warning " && exit 1
BENCH=CorpusBench/bin/Release/net10.0/CorpusBench

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generating $BYTES bytes of Pile-like JSON lines -> $FILE"
/usr/bin/time -f "generate: wall_s=%e" bash -c "$BENCH generate $BYTES | zstd -3 -T0 -q -c > $FILE"
echo "compressed size: $(stat -c %s "$FILE") bytes"

echo "== reference: zstd -dc | wc -lc"
/usr/bin/time -o "$WORK/wc.time" -f "%e %U %S" bash -c "zstd -dc $FILE | wc -lc" > "$WORK/wc.out"
read -r LINES UNCOMPRESSED < "$WORK/wc.out"
read -r WC_WALL WC_USER WC_SYS < "$WORK/wc.time"
echo "zstd|wc: lines=$LINES bytes=$UNCOMPRESSED wall_s=$WC_WALL cpu_s=$(echo "$WC_USER + $WC_SYS" | bc)"

echo "== ours: CorpusReader.Read"
$BENCH read "$FILE" "$LINES" "$UNCOMPRESSED" | tee "$WORK/ours.out"
OURS_WALL=$(grep -o 'wall_s=[0-9.]*' "$WORK/ours.out" | cut -d= -f2)
OURS_CPU=$(grep -o 'cpu_s=[0-9.]*' "$WORK/ours.out" | cut -d= -f2)

echo "== reference: Python json.loads"
if $PYTHON -c "import zstandard" 2> /dev/null; then
    REFERENCE="$PYTHON reference.py $FILE"; echo "(python zstandard module, in-process)"
else
    REFERENCE="zstd -dc $FILE | $PYTHON reference.py -"; echo "(no zstandard module: zstd -dc | python)"
fi
/usr/bin/time -o "$WORK/py.time" -f "%e %U %S" bash -c "$REFERENCE"
read -r PY_WALL PY_USER PY_SYS < "$WORK/py.time"
PY_CPU=$(echo "$PY_USER + $PY_SYS" | bc)
echo "python: wall_s=$PY_WALL cpu_s=$PY_CPU MB/s=$(echo "scale=1; $UNCOMPRESSED / 1000000 / $PY_WALL" | bc)"

echo "== summary"
echo "ours   : $(echo "scale=1; $UNCOMPRESSED / 1000000 / $OURS_WALL" | bc) MB/s wall, $OURS_CPU cpu s"
echo "python : $(echo "scale=1; $UNCOMPRESSED / 1000000 / $PY_WALL" | bc) MB/s wall, $PY_CPU cpu s"
echo "zstd|wc: $(echo "scale=1; $UNCOMPRESSED / 1000000 / $WC_WALL" | bc) MB/s wall"
echo "ratio ours/python throughput (wall): $(echo "scale=2; $PY_WALL / $OURS_WALL" | bc)x; cpu: $(echo "scale=2; $PY_CPU / $OURS_CPU" | bc)x"
