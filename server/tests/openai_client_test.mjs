// The official openai npm client (oracles/) against `smol serve` on the tiny model: models, completions
// and chat, streamed and not (a stream's pieces add up to the non-streamed answer), usage, seeds, stop
// sequences, and the errors the client surfaces for bad requests.
import assert from "node:assert/strict";
import { start_server, post, load_openai } from "./serve_harness.mjs";

const OpenAI = await load_openai();
const server = await start_server(["--parallel", "2"]);
const client = new OpenAI({ baseURL: server.base + "/v1", apiKey: "not-needed", maxRetries: 0 });
try {
  const models = await client.models.list();
  assert.equal(models.data.length, 1);
  const model = models.data[0].id;
  assert.equal((await client.models.retrieve(model)).id, model);

  // Completions: non-streamed, then streamed with the same greedy request.
  const request = { model, prompt: "The capital of France is", max_tokens: 24, temperature: 0 };
  const whole = await client.completions.create(request);
  assert.equal(whole.object, "text_completion");
  assert.equal(whole.choices.length, 1);
  const text = whole.choices[0].text;
  assert.ok(text.length > 0, "a completion with text");
  assert.ok(["stop", "length"].includes(whole.choices[0].finish_reason));
  assert.ok(whole.usage.prompt_tokens > 0 && whole.usage.completion_tokens > 0 && whole.usage.completion_tokens <= 24);
  assert.equal(whole.usage.total_tokens, whole.usage.prompt_tokens + whole.usage.completion_tokens);
  let streamed = "", chunks = 0, finish = null;
  for await (const chunk of await client.completions.create({ ...request, stream: true })) {
    streamed += chunk.choices[0].text;
    if (chunk.choices[0].finish_reason) finish = chunk.choices[0].finish_reason;
    ++chunks;
  }
  assert.equal(streamed, text, "streamed completion equals the non-streamed one");
  assert.ok(chunks > 2, `the completion came in ${chunks} chunks`);
  assert.equal(finish, whole.choices[0].finish_reason);

  // Chat through the model's template, both ways; usage in the last chunk when asked.
  const chat = { model, messages: [{ role: "system", content: "You are terse." }, { role: "user", content: "Name a colour." }],
                 max_tokens: 20, temperature: 0 };
  const answer = await client.chat.completions.create(chat);
  assert.equal(answer.object, "chat.completion");
  assert.equal(answer.choices[0].message.role, "assistant");
  const reply = answer.choices[0].message.content;
  let streamed_reply = "", usage = null, role = null;
  for await (const chunk of await client.chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } })) {
    if (chunk.usage) usage = chunk.usage;
    if (!chunk.choices.length) continue;
    if (chunk.choices[0].delta.role) role = chunk.choices[0].delta.role;
    streamed_reply += chunk.choices[0].delta.content ?? "";
  }
  assert.equal(role, "assistant");
  assert.equal(streamed_reply, reply, "streamed chat reply equals the non-streamed one");
  assert.deepEqual(usage, answer.usage);

  // A seed makes sampling reproducible; another seed (very likely) differs.
  const sampled = { model, prompt: "Once upon a time", max_tokens: 16, temperature: 1.0, top_p: 0.95, seed: 7 };
  const a = await client.completions.create(sampled), b = await client.completions.create(sampled);
  assert.equal(a.choices[0].text, b.choices[0].text);
  const c = await client.completions.create({ ...sampled, seed: 8, top_k: 40 });
  assert.equal(typeof c.choices[0].text, "string");

  // A stop sequence taken from the greedy text ends it just before its first occurrence.
  const stop = text.slice(3, 5);
  const stopped = await client.completions.create({ ...request, stop: [stop] });
  assert.equal(stopped.choices[0].text, text.slice(0, text.indexOf(stop)));
  assert.equal(stopped.choices[0].finish_reason, "stop");
  let stopped_stream = "";
  for await (const chunk of await client.completions.create({ ...request, stop, stream: true })) stopped_stream += chunk.choices[0].text;
  assert.equal(stopped_stream, stopped.choices[0].text);

  // Errors reach the client as its own error classes, with the field named.
  await assert.rejects(client.completions.create({ ...request, model: "no-such-model" }),
                       e => e instanceof OpenAI.NotFoundError && e.status === 404 && e.param === "model");
  await assert.rejects(client.completions.create({ ...request, max_tokens: "many" }),
                       e => e instanceof OpenAI.BadRequestError && e.param === "max_tokens" && /expected an integer/.test(e.message));
  await assert.rejects(client.chat.completions.create({ ...chat, messages: [{ role: "user" }] }),
                       e => e.status === 400 && e.param === "messages[0].content");
  await assert.rejects(client.completions.create({ ...request, max_tokens: 100000 }),
                       e => e.status === 400 && e.param === "max_tokens" && /do not fit/.test(e.message));

  // /tokenize and /detokenize round-trip the text.
  const t = await post(server.base, "/tokenize", { content: "Hello, world" });
  assert.equal(t.status, 200);
  assert.ok(t.json.tokens.length > 0);
  const d = await post(server.base, "/detokenize", { tokens: t.json.tokens });
  assert.equal(d.json.content, "Hello, world");
  const bad = await post(server.base, "/detokenize", { tokens: [1, -1] });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, "tokens[1]");
  const health = await fetch(server.base + "/health");
  assert.deepEqual(await health.json(), { status: "ok" });
} finally {
  await server.stop();
}
console.log("openai client: all checks passed");
