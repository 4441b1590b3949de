// llama.cpp's tokenizer (node-llama-cpp, pinned in oracles/) on the tokenizer conformance corpus
// (engine/tokenizer/tools/conformance_corpus.mjs), written in the format tokenizer_conformance reads: per
// string its bytes (hex), the ids with special-token text parsed ("ids") and as plain text ("plain"), and
// llama.cpp's detokenization of those ids with and without the special tokens' text. Invalid UTF-8 reaches
// llama.cpp as WHATWG-decoded text, as it reaches HF in the tokenizer's own conformance oracle.
// With --ids-only the detokenization is left out: llama.cpp's detokenizer cleans up spaces before
// punctuation for the gpt-2 pre-tokenizer (as transformers' clean_up_tokenization_spaces; hard-wired, no GGUF
// key turns it off), which HF tokenizers' decode, and ours, do not.
//   node llama_cpp_tokenizer.mjs ORACLES_DIR MODEL.gguf CORPUS.mjs OUT.jsonl [--ids-only]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [oraclesDir, modelPath, corpusPath, outPath, mode] = process.argv.slice(2);
const idsOnly = mode === '--ids-only';
const require = createRequire(path.join(oraclesDir, 'package.json'));
const { getLlama, LlamaLogLevel } = await import(require.resolve('node-llama-cpp'));
const { buildCorpus } = await import(pathToFileURL(path.resolve(corpusPath)).href);

const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath, vocabOnly: true });
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });  // keep a leading BOM
const lines = [];
for (const bytes of buildCorpus()) {
    const text = decoder.decode(bytes);
    const ids = model.tokenize(text, true);
    const line = { hex: bytes.toString('hex'), ids, plain: model.tokenize(text, false) };
    if (!idsOnly) Object.assign(line, { text: model.detokenize(ids, true), skip: model.detokenize(ids, false) });
    lines.push(JSON.stringify(line));
}
fs.writeFileSync(outPath, lines.join('\n') + '\n');
console.log(`llama.cpp ${llama.llamaCppRelease.repo} ${llama.llamaCppRelease.release}: ${lines.length} strings`);
await model.dispose();
await llama.dispose();
