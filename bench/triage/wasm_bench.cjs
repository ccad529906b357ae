// node wasm_bench.cjs FACTORY.js MODULE.wasm MODEL TEXTS OUT [REPEATS]
// Loads the Emscripten MODULARIZE factory with the .wasm bytes as `wasmBinary`,
// classifies TEXTS (one per line) at least REPEATS times (and at least 20,000 messages),
// after a warm-up, writes the last output to OUT and
// prints the time per message (wall and CPU) on stdout.
'use strict';
const fs = require('fs');
const [factoryPath, wasmPath, modelPath, textsPath, outPath, repeatsArg] = process.argv.slice(2);
const minRepeats = Number(repeatsArg || 5);
const factory = require(require('path').resolve(factoryPath));

factory({ wasmBinary: fs.readFileSync(wasmPath) }).then((M) => {
  const put = (bytes) => {
    const ptr = M._malloc(bytes.length);
    M.HEAPU8.set(bytes, ptr);
    return ptr;
  };
  const model = fs.readFileSync(modelPath);
  const rc = M._tb_load(put(model), model.length);
  if (rc !== 0) throw new Error('model load failed: ' + rc);
  let texts = fs.readFileSync(textsPath);
  if (texts.length && texts[texts.length - 1] === 10) texts = texts.subarray(0, texts.length - 1);
  const n = texts.toString('utf8').split('\n').length;
  const tp = put(texts);
  // At least 20,000 messages in all, so small sets are not dominated by JIT warm-up.
  const repeats = Math.max(minRepeats, Math.ceil(20000 / n));
  for (let w = 0; w < Math.max(1, Math.ceil(repeats / 5)); ++w) M._tb_predict_all(tp, texts.length, 9);  // warm-up
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let out = 0;
  for (let r = 0; r < repeats; ++r) out = M._tb_predict_all(tp, texts.length, 9);
  const cpu = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;  // µs
  fs.writeFileSync(outPath, Buffer.from(M.HEAPU8.subarray(out, out + M._tb_out_len())));
  const cpuUs = cpu.user + cpu.system;
  console.log(`wasm_us_per_message: ${(wall / (n * repeats)).toFixed(2)}`);
  console.log(`wasm_cpu_us_per_message: ${(cpuUs / (n * repeats)).toFixed(2)}`);
});
