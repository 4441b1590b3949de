#!/usr/bin/env node
// Benchmark of `smol serve` (not a test: docs/serve.md): aggregate decode throughput of N concurrent greedy
// streams against one stream, and the time to first token, alone and under that load. Rounds alternate one
// stream and N streams in the same run; the figures are medians over the rounds.
//   node server/bench/serve_bench.mjs --smol build/smol -m MODEL [--quant q8] [--act f32] [-t 2] [--streams 8]
//                                     [--tokens 128] [--rounds 5] [--json]
import { spawn } from "node:child_process";

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const smol = opt("--smol", "build/smol"), model_path = opt("-m");
const quant = opt("--quant", "q8"), act = opt("--act", "f32"), threads = opt("-t", "2");
const streams = Number(opt("--streams", "8")), tokens = Number(opt("--tokens", "128")), rounds = Number(opt("--rounds", "5"));
if (!model_path) { console.error("usage: serve_bench.mjs --smol SMOL -m MODEL [--quant q8] [--act f32] [-t 2] [--streams 8] [--tokens 128] [--rounds 5] [--json]"); process.exit(1); }

const server = spawn(smol, ["serve", "-m", model_path, "--quant", quant, "--act", act, "-t", threads, "--port", "0",
                            "--parallel", String(streams), "-c", String(tokens + 64)], { stdio: ["ignore", "ignore", "pipe"] });
let log = "";
const port = await new Promise((resolve, reject) => {
  server.stderr.on("data", d => { log += d; const m = log.match(/ on http:\/\/[^:]+:(\d+) /); if (m) resolve(Number(m[1])); });
  server.on("exit", code => reject(new Error(`smol serve exited (${code}):\n${log}`)));
});
const base = `http://127.0.0.1:${port}`;
const model = (await (await fetch(base + "/v1/models")).json()).data[0].id;

// One greedy stream of exactly `tokens` tokens: [time to first token, first token time, last token time, tokens].
async function stream(prompt) {
  const sent = performance.now();
  const r = await fetch(base + "/v1/completions", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model, prompt, max_tokens: tokens, temperature: 0, ignore_eos: true, stream: true,
                           stream_options: { include_usage: true } }) });
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let first = 0, last = 0, buffer = "", count = 0;
  const times = [];  // each text chunk's arrival
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const data = buffer.slice(6, end);
      buffer = buffer.slice(end + 2);
      if (data === "[DONE]") continue;
      const chunk = JSON.parse(data);
      // The last token's time is its finish chunk's: tokens whose text is empty (a random model's end-of-text
      // with ignore_eos) send no chunk of their own, and the last text chunk may come long before the end.
      if (chunk.usage) count = chunk.usage.completion_tokens;
      else if (chunk.choices[0].finish_reason) last = performance.now();
      else if (chunk.choices[0].text) { times.push(performance.now()); if (!first) first = times[0]; }
    }
  }
  if (count !== tokens) throw new Error(`a stream generated ${count} tokens, not ${tokens}`);
  return { ttft: first - sent, first, last, count, times };
}

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const prompt = i => `Stream ${i}: a short prompt about the weather in the mountains`;
await stream(prompt(0));  // warm-up: page in the weights
const single = [], batched = [], ttft_alone = [], ttft_loaded = [];
for (let r = 0; r < rounds; ++r) {
  const one = await stream(prompt(r));
  single.push((one.count - 1) / ((one.last - one.first) / 1000));
  ttft_alone.push(one.ttft);
  const all = await Promise.all(Array.from({ length: streams }, (_, i) => stream(prompt(100 * r + i))));
  // Decode throughput while all N decode: the tokens that arrived after every stream's first and up to the
  // first stream's end. Outside that window some prompts are still prefilling (their pass is prompt work,
  // not decode: its cost is in the time to first token under load) or some streams have finished.
  const start = Math.max(...all.map(s => s.first)), end = Math.min(...all.map(s => s.last));
  const decoded = all.reduce((n, s) => n + s.times.filter(t => t > start && t <= end).length, 0);
  batched.push(decoded / ((end - start) / 1000));
  ttft_loaded.push(median(all.map(s => s.ttft)));
}
const result = {
  model: model_path, quant, act, threads: Number(threads), streams, tokens, rounds,
  single_stream_tok_s: median(single), aggregate_tok_s: median(batched), ratio: median(batched) / median(single),
  ratio_per_round: batched.map((b, i) => b / single[i]),
  ttft_alone_ms: median(ttft_alone), ttft_under_load_ms: median(ttft_loaded),
};
server.kill("SIGTERM");
await new Promise(r => server.on("exit", r));
if (args.includes("--json")) console.log(JSON.stringify(result, null, 2));
else console.log(`${model_path} ${quant} --act ${act}, ${threads} threads, ${tokens} tokens per stream, median of ${rounds} rounds:\n` +
  `  1 stream:   ${result.single_stream_tok_s.toFixed(1)} tok/s, time to first token ${result.ttft_alone_ms.toFixed(1)} ms\n` +
  `  ${streams} streams: ${result.aggregate_tok_s.toFixed(1)} tok/s aggregate (${result.ratio.toFixed(2)}x; per round ` +
  `${result.ratio_per_round.map(x => x.toFixed(2)).join(", ")}), time to first token ${result.ttft_under_load_ms.toFixed(1)} ms (median)`);
