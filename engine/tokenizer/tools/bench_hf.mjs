// HF `tokenizers` throughput on one text, single thread (run with RAYON_NUM_THREADS=1
// TOKENIZERS_PARALLELISM=false): best of `runs` encodes of the whole text.
//   node bench_hf.mjs tokenizer.json text.txt [runs=3]
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const [jsonPath, textPath, runs = '3'] = process.argv.slice(2);
const tok = Tokenizer.fromFile(jsonPath);
const text = fs.readFileSync(textPath, 'utf8');
const bytes = Buffer.byteLength(text);
let best = Infinity, bestCpu = Infinity, ids = [];
const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (let r = 0; r < Number(runs); r++) {
  const t0 = process.hrtime.bigint(), c0 = cpuSeconds();
  ids = (await tok.encode(text)).getIds();
  bestCpu = Math.min(bestCpu, cpuSeconds() - c0);
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
}
// The same text line by line (HF's usual input size), one encode after another.
const lines = text.split(/(?<=\n)/);
let lineBest = Infinity, lineCpu = Infinity;
for (let r = 0; r < Number(runs); r++) {
  const t0 = process.hrtime.bigint(), c0 = cpuSeconds();
  for (const line of lines) await tok.encode(line);
  lineCpu = Math.min(lineCpu, cpuSeconds() - c0);
  lineBest = Math.min(lineBest, Number(process.hrtime.bigint() - t0) / 1e9);
}
let h = 2166136261;
for (const id of ids) h = Math.imul(h ^ id, 16777619) >>> 0;
const mb = bytes / 1e6;
console.log(`HF tokenizers: ${mb.toFixed(1)} MB, ${ids.length} tokens, ${(mb / best).toFixed(2)} MB/s wall, ` +
  `${(mb / bestCpu).toFixed(2)} MB/s CPU (best of ${runs}), ids fnv ${h.toString(16)}`);
console.log(`HF tokenizers, line by line (${lines.length} encodes): ${(mb / lineBest).toFixed(2)} MB/s wall, ` +
  `${(mb / lineCpu).toFixed(2)} MB/s CPU`);
