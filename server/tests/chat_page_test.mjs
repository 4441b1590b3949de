// The chat page at / in headless Chromium, driven over the DevTools protocol (Node's WebSocket): it loads
// and shows the model's name, a message is typed and sent, and the reply streams in (the page shows text
// before the reply is complete, over several chunks). A screenshot is kept as a test artefact.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start_server, wait_until_idle } from "./serve_harness.mjs";

const server = await start_server(["--parallel", "2"]);
const profile = mkdtempSync(join(tmpdir(), "smol-chromium-"));
const browser = spawn(process.env.SMOL_CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--remote-debugging-port=0", `--user-data-dir=${profile}`, "--window-size=900,700", "about:blank"],
  { stdio: ["ignore", "ignore", "pipe"] });
try {
  const endpoint = await new Promise((resolve, reject) => {
    let err = "";
    browser.stderr.on("data", d => {
      err += d;
      const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    browser.on("exit", code => reject(new Error(`chromium exited (${code}):\n${err}`)));
    setTimeout(() => reject(new Error(`chromium did not start:\n${err}`)), 30000);
  });
  const ws = new WebSocket(endpoint);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let next = 1;
  const waiting = new Map();
  ws.onmessage = m => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    }
  };
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  });
  const { targetId } = await send("Target.createTarget", { url: server.base + "/" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const evaluate = async expression =>
    (await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true }, sessionId)).result.value;
  const until = async (what, expression, ms = 20000) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await evaluate(expression);
      if (v) return v;
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 10));
    }
  };

  // A tiny model on a fast machine can finish the whole reply before the page's first read of the stream, so
  // every event would arrive in one piece and nothing could be seen streaming. A slow link (about 20 KB/s, a
  // few SSE events per delivery) makes the reply arrive over seconds on any machine.
  await send("Network.enable", {}, sessionId);
  await send("Network.emulateNetworkConditions",
             { offline: false, latency: 0, downloadThroughput: 20000, uploadThroughput: -1 }, sessionId);
  const model = await until("the model name", `(() => { const t = document.getElementById("model")?.textContent;
                                                      return t && t !== "connecting..." ? t : ""; })()`);
  assert.equal(model, "serve-tiny");
  // Every text the reply shows while it is still streaming, recorded in the page as the DOM changes.
  await evaluate(`window.partial = new Set();
                  new MutationObserver(() => {
                    const r = document.querySelector(".msg.assistant");
                    if (r && r.dataset.state === "streaming" && r.textContent) window.partial.add(r.textContent);
                  }).observe(document.getElementById("log"), { subtree: true, childList: true, characterData: true }); true`);
  // Greedy and long enough to be seen arriving.
  await evaluate(`document.getElementById("temperature").value = "0";
                  document.getElementById("max_tokens").value = "120";
                  document.getElementById("input").value = "Tell me a story.";
                  document.getElementById("send").click(); true`);
  // Watch the reply while it streams: partial text must be seen before the reply is done.
  const end = Date.now() + 120000;
  let state = "";
  for (;;) {
    const v = await evaluate(`(() => { const r = document.querySelector(".msg.assistant, .msg.error");
                                       return r ? [r.dataset.state, r.textContent, r.dataset.chunks || "0"] : null; })()`);
    if (v) {
      state = v[0];
      if (state !== "streaming") {
        assert.equal(state, "done", `the reply ended in ${state}: ${v[1]}`);
        assert.ok(v[1].length > 0, "the reply has text");
        assert.ok(Number(v[2]) > 5, `the reply came in ${v[2]} chunks`);
        break;
      }
    }
    if (Date.now() > end) assert.fail("the reply did not finish");
    await new Promise(r => setTimeout(r, 2));
  }
  const user = await evaluate(`document.querySelector(".msg.user").textContent`);
  assert.equal(user, "Tell me a story.");
  const shot = await send("Page.captureScreenshot", { format: "png" }, sessionId);
  writeFileSync(process.env.SMOL_SCREENSHOT, Buffer.from(shot.data, "base64"));
  // [texts that are a strict beginning of the final reply, texts that are not a beginning of it at all]
  const [partial, wrong] = await evaluate(`(() => { const full = document.querySelector(".msg.assistant").textContent;
      const all = [...window.partial];
      return [all.filter(p => full.startsWith(p) && p.length < full.length).length, all.filter(p => !full.startsWith(p)).length]; })()`);
  console.log(`chat page: the reply showed ${partial} partial texts before it was complete; screenshot ${process.env.SMOL_SCREENSHOT}`);
  assert.ok(partial >= 1, "the reply was shown before it was complete");
  assert.equal(wrong, 0, "each text shown while streaming is a beginning of the reply");
  ws.close();
  await wait_until_idle(server.base);
} finally {
  const gone = new Promise(resolve => browser.exitCode !== null ? resolve() : browser.on("exit", resolve));
  browser.kill("SIGKILL");
  await gone;
  await server.stop();
  rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
}
console.log("chat page: all checks passed");
