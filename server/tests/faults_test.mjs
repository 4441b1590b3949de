// Faulty clients and overload: malformed, mistyped, oversized and over-long requests get JSON 4xx errors
// naming the problem; clients that disconnect mid-stream (or while waiting) free their slots at once; a
// flood past the queue bound gets 503s and the server recovers; SIGTERM lets a generation in flight finish.
// /metrics must show no slot held afterwards.
import assert from "node:assert/strict";
import net from "node:net";
import { start_server, post, metrics, metric, wait_until_idle } from "./serve_harness.mjs";

const server = await start_server(["--parallel", "2", "--queue", "3", "--max-body-bytes", "4096", "-c", "512"]);
const base = server.base;
const model = (await (await fetch(base + "/v1/models")).json()).data[0].id;
// Long enough (~0.1 s of the tiny model) that a client's hang-up reaches the server before the answer ends.
const long_request = { model, prompt: "count with me", max_tokens: 500, temperature: 0, ignore_eos: true };

function expect_error(r, status, param, pattern) {
  assert.equal(r.status, status, r.text);
  assert.ok(r.json && r.json.error, `an OpenAI error object: ${r.text}`);
  assert.equal(typeof r.json.error.message, "string");
  if (param !== undefined) assert.equal(r.json.error.param, param, r.text);
  if (pattern) assert.match(r.json.error.message, pattern);
}

// Raw bytes over a socket; resolves with what the server answered before closing (or after `wait_ms`).
function raw(bytes, wait_ms = 1000) {
  return new Promise((resolve, reject) => {
    const s = net.connect(server.port, "127.0.0.1", () => s.write(bytes));
    let got = "";
    s.on("data", d => { got += d; });
    s.on("error", reject);
    s.on("close", () => resolve(got));
    setTimeout(() => s.destroy(), wait_ms);
  });
}

try {
  // Bad requests.
  expect_error(await post(base, "/v1/completions", '{"prompt": "x", '), 400, null, /not valid JSON/);
  expect_error(await post(base, "/v1/completions", "[]"), 400, null, /must be a JSON object/);
  expect_error(await post(base, "/v1/completions", { model, prompt: "x", temperature: "hot" }), 400, "temperature");
  expect_error(await post(base, "/v1/chat/completions", { model, messages: [{ role: "user", content: 5 }] }), 400, "messages[0].content");
  expect_error(await post(base, "/v1/completions", { model: "other", prompt: "x" }), 404, "model", /not served here/);
  expect_error(await post(base, "/v1/completions", { model, prompt: "word ".repeat(600) }), 400, "prompt", /context holds 512/);
  expect_error(await post(base, "/v1/completions", { model, prompt: "x", max_tokens: 1000 }), 400, "max_tokens");
  expect_error(await post(base, "/v1/completions", { model, prompt: [1, 999999] }), 400, "prompt", /not in the vocabulary/);
  expect_error(await post(base, "/v1/completions", { model, prompt: "x".repeat(5000) }), 413, null, /exceeds the limit of 4096 bytes/);
  const missing = await fetch(base + "/v1/nothing");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error.message, /no endpoint GET \/v1\/nothing/);
  assert.match(await raw("GARBAGE\r\n\r\n"), /^HTTP\/1\.1 400/);
  await raw("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"pro", 300);  // body cut short

  // Clients that go away mid-stream, and one that goes away before its answer (not streamed).
  const cancelled_before = metric(await metrics(base), "smol_requests_cancelled_total");
  // A hang-up the server sees only after the answer was written whole is no cancellation; on a loaded
  // machine the client may be that late, so it hangs up until four were noticed (at most twelve tries).
  for (let i = 0; i < 12; ++i) {
    if (metric(await wait_until_idle(base), "smol_requests_cancelled_total") - cancelled_before >= 4) break;
    const abort = new AbortController();
    const r = await fetch(base + "/v1/completions", { method: "POST", signal: abort.signal,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ...long_request, stream: true }) });
    const reader = r.body.getReader();
    await reader.read();  // the first chunk, then hang up
    abort.abort();
  }
  {
    const abort = new AbortController();
    const pending = fetch(base + "/v1/completions", { method: "POST", signal: abort.signal,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(long_request) }).catch(() => null);
    await new Promise(r => setTimeout(r, 30));
    abort.abort();
    await pending;
  }
  const idle = await wait_until_idle(base);
  assert.ok(metric(idle, "smol_requests_cancelled_total") - cancelled_before >= 4, "the disconnects were noticed");

  // A flood past 2 slots + 3 queued: some 503s, every accepted request complete.
  const rejected_before = metric(idle, "smol_requests_rejected_total");
  const flood = await Promise.all(Array.from({ length: 24 }, () => post(base, "/v1/completions", { ...long_request, max_tokens: 120 })));
  const ok = flood.filter(r => r.status === 200), busy = flood.filter(r => r.status === 503);
  assert.equal(ok.length + busy.length, flood.length, flood.map(r => r.status).join(","));
  assert.ok(busy.length > 0, "the queue bound was reached");
  assert.ok(ok.length >= 5, `at least the slots and the queue were served (${ok.length})`);
  for (const r of ok) assert.equal(r.json.usage.completion_tokens, 120);
  for (const r of busy) {
    assert.equal(r.json.error.code, "server_busy");
    assert.equal(r.headers.get("retry-after"), "1");
  }
  const after_flood = await wait_until_idle(base);
  assert.equal(metric(after_flood, "smol_requests_rejected_total") - rejected_before, busy.length);
  console.log(`flood: ${ok.length} served, ${busy.length} refused with 503`);
  const recovered = await post(base, "/v1/completions", { model, prompt: "again", max_tokens: 5, temperature: 0 });
  assert.equal(recovered.status, 200);
  assert.equal(metric(after_flood, "smol_slots_total"), 2);

  // SIGTERM while a stream is running: it still ends properly, then the server exits 0.
  const r = await fetch(base + "/v1/completions", { method: "POST", headers: { "Content-Type": "application/json" },
                                                  body: JSON.stringify({ ...long_request, stream: true }) });
  const reader = r.body.getReader();
  await reader.read();
  server.child.kill("SIGTERM");
  let body = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    body += new TextDecoder().decode(value);
  }
  assert.match(body, /"finish_reason":"length"/);
  assert.match(body, /data: \[DONE\]\n\n$/);
  const { code, signal } = await server.exited;
  assert.equal(signal, null);
  assert.equal(code, 0, server.log());
} catch (e) {
  server.child.kill("SIGKILL");
  throw e;
}
console.log("faults: all checks passed");
