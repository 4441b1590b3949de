// llama.cpp (through node-llama-cpp, pinned in oracles/) as an independent oracle on a GGUF file: evaluates
// the prompt ids, takes llama.cpp's next-token probabilities at every position, and compares the top-k
// tokens' log-probabilities, relative to the top token's, with the engine's logits (the same relative form;
// .npy written by `smol logits`). When the engine's greedy continuation (`smol generate --ids --ignore-eos`)
// is given, it is evaluated after the prompt in the same pass and llama.cpp's most probable next token must be
// the engine's at every step: by induction that is llama.cpp's own greedy continuation, end-of-text tokens
// included (llama.cpp's generator would stop at one); the most probable token must then also agree at every
// prompt position. Without one (quantized files, where llama.cpp also quantizes activations and a near tie
// may flip) the agreement is reported, not required.
// Prints one JSON line of figures; exits 1 when a bound is exceeded.
// usage: node llama_cpp_oracle.mjs ORACLES_DIR MODEL.gguf IDS ENGINE_LOGITS.npy BOUND TOPK [GREEDY_IDS]
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [oraclesDir, modelPath, idsText, npyPath, boundText, topkText, greedyText] = process.argv.slice(2);
const require = createRequire(path.join(oraclesDir, "package.json"));
const { getLlama, LlamaLogLevel } = await import(require.resolve("node-llama-cpp"));

function readNpy(file) {  // little-endian float32, C order, shape (positions, vocab)
    const buf = fs.readFileSync(file);
    const headerLen = buf.readUInt16LE(8);
    const header = buf.toString("latin1", 10, 10 + headerLen);
    if (!header.includes("'<f4'") || header.includes("'fortran_order': True")) throw new Error(`${file}: not a C-order <f4 array`);
    const shape = header.match(/\(([^)]*)\)/)[1].split(",").filter((s) => s.trim()).map(Number);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length));
    return { shape, data };
}

const ids = idsText.split(",").map(Number);
const bound = Number(boundText), topk = Number(topkText);
const engine = readNpy(npyPath);
const vocab = engine.shape[1];
if (engine.shape[0] !== ids.length) throw new Error(`engine logits have ${engine.shape[0]} positions, prompt ${ids.length}`);

const greedy = greedyText ? greedyText.split(",").map(Number) : [];
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
// An F32 KV cache (llama.cpp defaults to F16), so f32 weights are compared with f32 arithmetic throughout.
const context = await model.createContext({
    contextSize: Math.max(64, ids.length + 32 + greedy.length), threads: 1,
    experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false,
});
const sequence = context.getSequence();
const fed = ids.concat(greedy.slice(0, -1));
const out = await sequence.controlledEvaluate(fed.map((t) => [t, { generateNext: { probabilities: true } }]));
const llamaTop = (p) => [...out[p].next.probabilities.keys()][0];  // most probable next token

let worst = 0, worstPos = -1, top1Agree = 0;
const perPosition = [];
for (let p = 0; p < ids.length; ++p) {
    const probs = out[p]?.next?.probabilities;
    if (!probs) throw new Error(`llama.cpp gave no probabilities at position ${p}`);
    const row = engine.data.subarray(p * vocab, (p + 1) * vocab);
    let engineTop = 0;
    for (let i = 1; i < vocab; ++i) if (row[i] > row[engineTop]) engineTop = i;
    // node-llama-cpp's probabilities come after its sampler's truncation and renormalisation, which adds a
    // constant per position to every log-probability: compare logits relative to the top token instead,
    // log p_i - log p_top = logit_i - logit_top, which that constant cancels out of.
    const entries = [...probs.entries()].slice(0, topk);
    const [topToken, topProb] = entries[0];
    if (topToken === engineTop) ++top1Agree;
    let posWorst = 0;
    for (const [token, prob] of entries) {
        const d = Math.abs(Math.log(prob) - Math.log(topProb) - (row[token] - row[topToken]));
        posWorst = Math.max(posWorst, d);
    }
    perPosition.push(Number(posWorst.toExponential(3)));
    if (posWorst > worst) { worst = posWorst; worstPos = p; }
}

let greedyOk = null, llamaGreedy = null;
if (greedy.length) {
    llamaGreedy = greedy.map((_, k) => llamaTop(ids.length - 1 + k));
    greedyOk = llamaGreedy.join(",") === greedy.join(",");
}

const report = {
    model: path.basename(modelPath), llama_cpp: llama.llamaCppRelease, positions: ids.length, topk,
    max_abs_drelative_logit: worst, worst_position: worstPos, per_position: perPosition, top1_agree: top1Agree,
    bound, greedy_identical: greedyOk, llama_greedy: llamaGreedy,
};
console.log(JSON.stringify(report));
await context.dispose();
await model.dispose();
await llama.dispose();
process.exit(worst <= bound && greedyOk !== false && (greedyOk === null || top1Agree === ids.length) ? 0 : 1);
