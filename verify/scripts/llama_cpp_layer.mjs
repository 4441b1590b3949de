// `smol verify`'s llama.cpp layer: llama.cpp (node-llama-cpp, pinned in oracles/) on a GGUF file smol wrote.
// Generates n greedy tokens after the prompt, then evaluates the prompt and the stream (but its last token)
// again and keeps llama.cpp's next-token probabilities at every position: the top TOPK as log-probabilities
// (llama.cpp gives probabilities, not logits). Writes OUT.json {stream, top: [[[id, logp], ...], ...], llama_cpp}.
// An F32 KV cache (llama.cpp defaults to F16), so f32 weights meet f32 arithmetic throughout.
// usage: node llama_cpp_layer.mjs ORACLES_DIR MODEL.gguf IDS N TOPK OUT.json
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [oraclesDir, modelPath, idsText, nText, topkText, outPath] = process.argv.slice(2);
const require = createRequire(path.join(oraclesDir, "package.json"));
const { getLlama, LlamaLogLevel } = await import(require.resolve("node-llama-cpp"));

const ids = idsText.split(",").map(Number);
const n = Number(nText), topk = Number(topkText);
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({
    contextSize: Math.max(64, ids.length + n + 8), threads: 1,
    experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false,
});
const sequence = context.getSequence();

const stream = [];
if (n > 0) {
    for await (const token of sequence.evaluate(ids, { temperature: 0 })) {
        stream.push(token);
        if (stream.length >= n) break;
    }
}
await sequence.clearHistory();
const evaluated = ids.concat(stream.slice(0, Math.max(0, n - 1)));
const out = await sequence.controlledEvaluate(evaluated.map((t) => [t, { generateNext: { probabilities: true } }]));
const top = [];
for (let p = 0; p < evaluated.length; ++p) {
    const probs = out[p]?.next?.probabilities;
    if (!probs) throw new Error(`llama.cpp gave no probabilities at position ${p}`);
    top.push([...probs.entries()].slice(0, topk).map(([id, prob]) => [id, Math.log(prob)]));
}
fs.writeFileSync(outPath, JSON.stringify({ stream, top, llama_cpp: llama.llamaCppRelease }));
await context.dispose();
await model.dispose();
await llama.dispose();
process.exit(0);
