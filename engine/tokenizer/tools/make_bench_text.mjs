// The benchmark text: Debian's license texts (English prose) and the conformance corpus (other scripts,
// emoji, code, numbers, whitespace), interleaved and repeated to at least `megabytes` MB. Deterministic.
//   node make_bench_text.mjs out.txt [megabytes=12]
import fs from 'node:fs';
import { buildCorpus } from './conformance_corpus.mjs';

const [outPath, megabytes = '12'] = process.argv.slice(2);
const licenses = fs.readdirSync('/usr/share/common-licenses').sort()
  .map((f) => `/usr/share/common-licenses/${f}`).filter((f) => fs.statSync(f).isFile())
  .map((f) => fs.readFileSync(f, 'utf8'));
const corpus = buildCorpus().map((b) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b));
const parts = [];
let size = 0;
for (let round = 0; size < Number(megabytes) * 1e6; round++) {
  for (let i = 0; i < licenses.length; i++) {
    const block = licenses[i] + '\n' + corpus.slice((round * 997 + i * 1500) % corpus.length).slice(0, 1500).join('\n') + '\n';
    parts.push(block);
    size += Buffer.byteLength(block);
  }
}
fs.writeFileSync(outPath, parts.join(''));
console.log(`${outPath}: ${size} bytes`);
