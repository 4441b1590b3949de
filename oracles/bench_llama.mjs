// llama.cpp's prompt-processing and generation speed on a GGUF file, through node-llama-cpp (pinned in
// package.json), for scripts/bench-vs-llama.sh. node-llama-cpp 3.21.1 ships llama.cpp as a Node addon and
// shared libraries only (no llama-bench binary), so this times its API the way llama-bench defines the tests:
//   ppN: N random token ids evaluated in one batch from an empty context (no token generated);
//   tgN: N tokens generated one by one from an empty context after a one-token start, greedy sampling.
// tg includes node-llama-cpp's per-token work (sampling over the vocabulary, the JS/native round trip),
// which llama-bench's tg does not; pp has one such round trip per run. One warm-up run of each first.
// usage: node bench_llama.mjs MODEL.gguf THREADS N_PP N_TG REPETITIONS  -> one JSON line: tok/s samples
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const [modelPath, threadsText, ppText, tgText, repsText] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "package.json"));
const { getLlama, LlamaLogLevel } = await import(require.resolve("node-llama-cpp"));

const threads = Number(threadsText), nPp = Number(ppText), nTg = Number(tgText), reps = Number(repsText);
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({
    contextSize: Math.max(nPp, nTg + 1) + 16, batchSize: Math.max(nPp, 32), threads, flashAttention: false,
});
const sequence = context.getSequence();
let seed = 12345;
const randomIds = (n) => Array.from({ length: n }, () => { seed = (seed * 1103515245 + 12345) % 2147483648; return 1 + (seed % 8000); });

async function pp() {
    await sequence.clearHistory();
    const ids = randomIds(nPp);
    const start = process.hrtime.bigint();
    await sequence.evaluateWithoutGeneratingNewTokens(ids);
    return nPp / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function tg() {
    await sequence.clearHistory();
    let n = 0;
    const start = process.hrtime.bigint();
    for await (const token of sequence.evaluate(randomIds(1), { temperature: 0 })) {
        void token;
        if (++n >= nTg) break;
    }
    if (n < nTg) throw new Error(`generation stopped after ${n} of ${nTg} tokens (an end-of-generation token)`);
    return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

const result = { llama_cpp: llama.llamaCppRelease, threads, pp: [], tg: [] };
if (nPp > 0) { await pp(); for (let i = 0; i < reps; ++i) result.pp.push(await pp()); }
if (nTg > 0) { await tg(); for (let i = 0; i < reps; ++i) result.tg.push(await tg()); }
console.log(JSON.stringify(result));
await context.dispose();
await model.dispose();
await llama.dispose();
