// Continuous batching changes nothing a client sees: 32 concurrent greedy requests with different prompts
// (and different lengths, so they join and leave the batch at different steps) each return exactly what
// the same request returns when it runs alone. /metrics proves the concurrent run did batch.
import assert from "node:assert/strict";
import { start_server, metrics, metric, wait_until_idle, load_openai } from "./serve_harness.mjs";

const OpenAI = await load_openai();
const server = await start_server(["--parallel", "8", "--queue", "64"]);
const client = new OpenAI({ baseURL: server.base + "/v1", apiKey: "not-needed", maxRetries: 0 });
const words = ["river", "stone", "light", "winter", "garden", "music", "paper", "silver"];
const requests = Array.from({ length: 32 }, (_, i) => ({
  model: "ignored-is-refused",
  prompt: Array.from({ length: 1 + (i * 7) % 23 }, (_, j) => words[(i + j * 3) % words.length]).join(" ") + ` ${i}`,
  max_tokens: 8 + (i * 5) % 25,
  temperature: 0,
  ignore_eos: i % 2 === 0,  // half may stop early at end-of-sequence, half run to max_tokens
}));
try {
  const model = (await client.models.list()).data[0].id;
  for (const r of requests) r.model = model;
  const alone = [];
  for (const r of requests) alone.push((await client.completions.create(r)).choices[0].text);
  const before = await metrics(server.base);
  const together = await Promise.all(requests.map(r => client.completions.create(r)));
  const after = await wait_until_idle(server.base);
  for (let i = 0; i < requests.length; ++i)
    assert.equal(together[i].choices[0].text, alone[i], `request ${i} (${JSON.stringify(requests[i].prompt)}) differs when batched`);
  // Streamed and batched, too.
  const streams = await Promise.all(requests.slice(0, 12).map(async r => {
    let s = "";
    for await (const chunk of await client.completions.create({ ...r, stream: true })) s += chunk.choices[0].text;
    return s;
  }));
  for (let i = 0; i < streams.length; ++i) assert.equal(streams[i], alone[i], `streamed request ${i} differs when batched`);
  const steps = metric(after, "smol_decode_batch_size_count") - metric(before, "smol_decode_batch_size_count");
  const rows = metric(after, "smol_decode_batch_size_sum") - metric(before, "smol_decode_batch_size_sum");
  console.log(`32 concurrent requests: ${rows} decode rows in ${steps} steps (${(rows / steps).toFixed(2)} per step)`);
  assert.ok(rows / steps > 2, "the concurrent requests were decoded in batches");
} finally {
  await server.stop();
}
console.log("batching determinism: 32 concurrent requests equal each alone");
