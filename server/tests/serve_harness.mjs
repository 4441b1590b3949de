// Starts `smol serve` on the tiny model on a free loopback port (--port 0; the port is read from its
// banner), and stops it with SIGTERM, requiring a clean exit. Shared by the server's client tests.
import { spawn } from "node:child_process";
import assert from "node:assert/strict";

export async function start_server(args = []) {
  const smol = process.env.SMOL, model = process.env.SMOL_SERVE_MODEL;
  assert.ok(smol && model, "SMOL and SMOL_SERVE_MODEL must be set (CTest sets them)");
  const child = spawn(smol, ["serve", "-m", model, "--host", "127.0.0.1", "--port", "0", "-t", "2", ...args],
                      { stdio: ["ignore", "inherit", "pipe"] });
  let log = "";
  const exited = new Promise(resolve => child.on("exit", (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    child.stderr.on("data", d => {
      log += d;
      process.stderr.write(d);
      const m = log.match(/ on http:\/\/[^:]+:(\d+) /);
      if (m) resolve(Number(m[1]));
    });
    exited.then(({ code }) => reject(new Error(`smol serve exited (${code}) before listening:\n${log}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base, port, child,
    log: () => log,
    // SIGTERM; the server must finish and exit 0.
    async stop() {
      child.kill("SIGTERM");
      const { code, signal } = await exited;
      assert.equal(signal, null, `smol serve died of ${signal}`);
      assert.equal(code, 0, `smol serve exited with ${code}:\n${log}`);
      assert.match(log, /smol serve: stopped/);
    },
    exited,
  };
}

// The value of an unlabelled metric, or the sum of a labelled family's series matching `labels`.
export function metric(text, name, labels = "") {
  let sum = 0, found = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/);
    if (!m || m[1] !== name || (labels && !(m[2] || "").includes(labels))) continue;
    sum += Number(m[3]);
    found = true;
  }
  assert.ok(found, `metric ${name}${labels} not in /metrics`);
  return sum;
}

export async function metrics(base) {
  const r = await fetch(base + "/metrics");
  assert.equal(r.status, 200);
  return r.text();
}

// Polls /metrics until no slot is held and nothing is queued (a freed slot shows at once, but the
// scheduler notices a gone client only between steps).
export async function wait_until_idle(base, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    const text = await metrics(base);
    if (metric(text, "smol_slots_in_use") === 0 && metric(text, "smol_queue_depth") === 0) return text;
    if (Date.now() > until) assert.fail(`slots still in use after ${ms} ms:\n${text}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

export async function post(base, path, body, headers = {}) {
  const r = await fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json", ...headers },
                                       body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { }
  return { status: r.status, json, text, headers: r.headers };
}

export async function load_openai() {
  const { default: OpenAI } = await import(`${process.env.SMOL_ORACLES}/node_modules/openai/index.mjs`);
  return OpenAI;
}
