// HF `tokenizers` on the conformance corpus: one JSON object per line with the input bytes (hex) and what HF
// gives for them — ids with special tokens parsed ("ids") and as plain text ("plain"), and the decoded text
// with and without skipping special tokens. Invalid UTF-8 reaches HF as WHATWG-decoded text (U+FFFD per
// maximal invalid subpart), the same rule as Rust's from_utf8_lossy that our tokenizer applies to bytes.
//   node conformance_oracle.mjs tokenizer.json out.jsonl
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { buildCorpus } from './conformance_corpus.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const [jsonPath, outPath] = process.argv.slice(2);
const source = fs.readFileSync(jsonPath, 'utf8');
const tok = Tokenizer.fromString(source);
// HF's npm binding cannot switch special-token parsing off; the same file without its special added tokens
// is exactly that (their text is then ordinary text, the ids stay in the vocabulary).
const plainJson = JSON.parse(source);
plainJson.added_tokens = plainJson.added_tokens.filter((t) => !t.special);
const plain = Tokenizer.fromString(JSON.stringify(plainJson));

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });  // keep a leading BOM
const lines = [];
for (const bytes of buildCorpus()) {
  const text = decoder.decode(bytes);
  const ids = (await tok.encode(text)).getIds();
  const plainIds = (await plain.encode(text)).getIds();
  lines.push(JSON.stringify({ hex: bytes.toString('hex'), ids, plain: plainIds,
    text: await tok.decode(ids, false), skip: await tok.decode(ids, true) }));
}
fs.writeFileSync(outPath, lines.join('\n') + '\n');
console.log(`${jsonPath}: ${lines.length} strings`);
