#!/usr/bin/env bash
# Triage benchmarks (P5): Parley's intent classifier against fastText on public data.
#
#   bench/triage.sh [INTENTS_DIR]     (default: ../shared/data/intents beside the repo)
#
# BANKING77: a fixed stratified 10 % of train.jsonl is held out (seed 77); the model
#   trains on the other 90 % (its own calibration split is carved from those).
# CLINC150: trains on train.jsonl; val.jsonl is split 50/50 stratified (seed 150): one
#   half fits temperature and out-of-scope threshold (--valid; "balanced" objective, as
#   CLINC150 results are usually reported; a second row re-picks it for accuracy), the
#   other half is held out.
# Default model: data/triage/train.csv, evaluated on data/triage/holdout.csv (linear
#   only, as the build trains it: --hidden-dim 0).
# fastText (Debian package `fasttext`, if installed): supervised, default settings plus
#   -wordNgrams 2 (and -thread 1, to compare on one core), on the same splits; a second
#   row with -epoch 25 -lr 1.0 shows what light tuning does.
# Wasm (if emcc and node exist): the same model bytes classify the held-out texts in
#   Node; outputs are compared with the native ones at 9 decimals.
# Times: training is wall and user time of `parley-triage train`; prediction is CPU time
# per message over the held-out set (wall time is printed too; on a shared machine CPU
# time is the steadier figure). Figures go to bench/README.md by hand, with the date.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
data=${1:-${PARLEY_INTENTS:-$root/../shared/data/intents}}
work=${PARLEY_BENCH_WORK:-$(mktemp -d /tmp/parley-triage-bench.XXXXXX)}
jobs=${JOBS:-2}
# Training options for the public benchmarks (docs/triage.md explains each).
train_opts=(${PARLEY_TRIAGE_OPTS:---seed 1})
ft=$(command -v fasttext || true)
emcc=$(command -v emcc || true)
node=$(command -v node || true)
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}

echo "work dir: $work"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"

cmake -S "$here/triage" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j"$jobs" --target parley-triage >/dev/null
pt="$work/build/tools/parley-triage"

wasm_ok=0
if [[ -n "$emcc" && -n "$node" ]]; then
  mkdir -p "$work/wasm"
  if "$emcc" -O2 -std=c++17 -fno-exceptions -I"$root/sdk/include" \
      "$root"/sdk/src/triage/{normalize,features,model}.cpp "$here/triage/wasm_bench.cpp" \
      -o "$work/wasm/triage_bench.js" -sMODULARIZE=1 -sEXPORT_NAME=TriageBench \
      -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 \
      -sEXPORTED_FUNCTIONS=_malloc,_free,_tb_load,_tb_predict_all,_tb_out_len \
      -sEXPORTED_RUNTIME_METHODS=HEAPU8 >"$work/wasm/emcc.log" 2>&1; then
    wasm_ok=1
  else
    echo "wasm: emcc failed, see $work/wasm/emcc.log"
  fi
fi

field() { grep -m1 "^$1:" "$2" | awk '{print $2}'; }
summary=()

# run_parley NAME TRAIN HELD [train options…]
run_parley() {
  local name=$1 train=$2 held=$3; shift 3
  local d="$work/$name"; mkdir -p "$d"
  /usr/bin/time -f "%e %U" -o "$d/time" "$pt" train --data "$train" --out "$d/model.ptm" \
    "${train_opts[@]}" "$@" 2>"$d/train.log"
  "$pt" eval --model "$d/model.ptm" --data "$held" >"$d/eval.txt"
  local bytes wall user
  bytes=$(stat -c %s "$d/model.ptm"); read -r wall user <"$d/time"
  echo "--- $name: parley"
  sed -n '1,/^$/p' "$d/eval.txt" | sed '/^$/d'
  echo "model_bytes: $bytes"
  echo "train_seconds: wall $wall, user $user"
  local wasm="-" same="-"
  if [[ $wasm_ok == 1 ]]; then
    python3 "$here/triage/ft.py" texts "$held" "$d/texts.txt" 2>/dev/null || cut -d, -f1 "$held" >"$d/texts.txt"
    "$node" "$here/triage/wasm_bench.cjs" "$work/wasm/triage_bench.js" "$work/wasm/triage_bench.wasm" \
      "$d/model.ptm" "$d/texts.txt" "$d/wasm_out.txt" 5 >"$d/wasm.txt"
    "$pt" predict --model "$d/model.ptm" --digits 9 <"$d/texts.txt" >"$d/native_out.txt"
    cat "$d/wasm.txt"
    wasm=$(field wasm_cpu_us_per_message "$d/wasm.txt")
    if cmp -s "$d/native_out.txt" "$d/wasm_out.txt"; then same=identical; else same=DIFFERENT; fi
    echo "wasm_vs_native_predictions: $same"
  fi
  summary+=("$(printf '%-10s %-16s %8s %8s %8s %8s %6s %10s %8s %8s %8s %s' "$name" parley \
    "$(field accuracy "$d/eval.txt")" "$(field macro_f1 "$d/eval.txt")" \
    "$(field oos_recall "$d/eval.txt" || true)" "$(field in_scope_accuracy "$d/eval.txt" || true)" \
    "$(field calibration_error "$d/eval.txt")" \
    "$bytes" "$user" "$(field predict_cpu_us_per_message "$d/eval.txt")" "$wasm" "$same")")
}

# run_fasttext NAME TRAIN HELD LABEL [fasttext options…]
run_fasttext() {
  local name=$1 train=$2 held=$3 label=$4; shift 4
  [[ -n "$ft" ]] || return 0
  local d="$work/$name/$label"; mkdir -p "$d"
  python3 "$here/triage/ft.py" fasttext "$train" "$d/train.txt"
  python3 "$here/triage/ft.py" fasttext "$held" "$d/held.txt"
  /usr/bin/time -f "%e %U" -o "$d/time" "$ft" supervised -input "$d/train.txt" -output "$d/model" \
    -wordNgrams 2 -thread 1 "$@" >"$d/train.log" 2>&1
  # Prediction time: 20 copies minus 1 copy, so loading the model is not counted.
  sed 's/^__label__[^ ]* //' "$d/held.txt" >"$d/texts.txt"
  for _ in $(seq 20); do cat "$d/texts.txt"; done >"$d/texts20.txt"
  local n t1 t20; n=$(wc -l <"$d/texts.txt")
  t1=$( { /usr/bin/time -f "%U %S" "$ft" predict "$d/model.bin" "$d/texts.txt" >"$d/pred.txt"; } 2>&1 | tail -1)
  t20=$( { /usr/bin/time -f "%U %S" "$ft" predict "$d/model.bin" "$d/texts20.txt" >/dev/null; } 2>&1 | tail -1)
  local us; us=$(awk -v a="$t1" -v b="$t20" -v n="$n" 'BEGIN{split(a,x," ");split(b,y," ");printf "%.2f",((y[1]+y[2])-(x[1]+x[2]))*1e6/(19*n)}')
  python3 "$here/triage/ft.py" score "$held" "$d/pred.txt" >"$d/eval.txt"
  local bytes wall user; bytes=$(stat -c %s "$d/model.bin"); read -r wall user <"$d/time"
  echo "--- $name: $label ($*)"
  cat "$d/eval.txt"; echo "model_bytes: $bytes"; echo "train_seconds: wall $wall, user $user"
  echo "predict_cpu_us_per_message: $us"
  summary+=("$(printf '%-10s %-16s %8s %8s %8s %8s %6s %10s %8s %8s %8s %s' "$name" "$label" \
    "$(field accuracy "$d/eval.txt")" "$(field macro_f1 "$d/eval.txt")" \
    "$(field oos_recall "$d/eval.txt" || true)" "$(field in_scope_accuracy "$d/eval.txt" || true)" - \
    "$bytes" "$user" "$us" - -)")
  rm -f "$d/model.bin" "$d/texts20.txt"  # fastText models are hundreds of MB
}

# BANKING77
b="$work/banking77"; mkdir -p "$b"
"$pt" split --data "$data/banking77/train.jsonl" --fraction 0.1 --seed 77 \
  --train-out "$b/train.jsonl" --held-out "$b/held.jsonl" 2>/dev/null
run_parley banking77 "$b/train.jsonl" "$b/held.jsonl"
run_fasttext banking77 "$b/train.jsonl" "$b/held.jsonl" fasttext
run_fasttext banking77 "$b/train.jsonl" "$b/held.jsonl" fasttext-tuned -epoch 25 -lr 1.0

# CLINC150
c="$work/clinc150"; mkdir -p "$c"
"$pt" split --data "$data/clinc150/val.jsonl" --fraction 0.5 --seed 150 \
  --train-out "$c/val_a.jsonl" --held-out "$c/held.jsonl" 2>/dev/null
run_parley clinc150 "$data/clinc150/train.jsonl" "$c/held.jsonl" --valid "$c/val_a.jsonl" \
  --threshold-objective balanced
# The same model with the threshold re-chosen for plain accuracy (fewer rejections).
"$pt" eval --model "$work/clinc150/model.ptm" --data "$c/held.jsonl" --valid "$c/val_a.jsonl" \
  --threshold-objective accuracy >"$work/clinc150/eval_accuracy.txt"
echo "--- clinc150: parley, threshold for accuracy"
sed -n '1,/^$/p' "$work/clinc150/eval_accuracy.txt" | sed '/^$/d'
summary+=("$(printf '%-10s %-16s %8s %8s %8s %8s %6s %10s %8s %8s %8s %s' clinc150 parley-acc-thr \
  "$(field accuracy "$work/clinc150/eval_accuracy.txt")" "$(field macro_f1 "$work/clinc150/eval_accuracy.txt")" \
  "$(field oos_recall "$work/clinc150/eval_accuracy.txt")" \
  "$(field in_scope_accuracy "$work/clinc150/eval_accuracy.txt")" \
  "$(field calibration_error "$work/clinc150/eval_accuracy.txt")" - - - - -)")
run_fasttext clinc150 "$data/clinc150/train.jsonl" "$c/held.jsonl" fasttext
run_fasttext clinc150 "$data/clinc150/train.jsonl" "$c/held.jsonl" fasttext-tuned -epoch 25 -lr 1.0

# The default model (its own data; CSV)
d="$work/default"; mkdir -p "$d"
python3 - "$root/data/triage/holdout.csv" "$d/held.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for r in csv.DictReader(f):
        o.write(json.dumps({"text": r["text"], "label": r["label"]}, ensure_ascii=False) + "\n")
PY
train_opts=(--hidden-dim 0 --seed 1)  # the options tools/parley-triage/CMakeLists.txt builds the default model with
run_parley default "$root/data/triage/train.csv" "$d/held.jsonl"

echo
echo "=== summary (held-out part; ECE = expected calibration error; train_s = user CPU s;"
echo "    us/msg = CPU µs per message, native and Wasm)"
printf '%-10s %-16s %8s %8s %8s %8s %6s %10s %8s %8s %8s %s\n' dataset system accuracy macro_f1 \
  oos_rec in_scope ECE model_B train_s us/msg wasm_us wasm=native
printf '%s\n' "${summary[@]}"
