import assert from "node:assert/strict";
import { test } from "node:test";

import { RuntimeClient } from "../../extensions/carnet/activities/code/browser/runtime.mjs";

/** A stand-in for a Worker: records what the page sends; the test answers as the worker would. */
class FakeWorker {
  constructor() {
    this.sent = [];
    this.terminated = false;
    this.onmessage = null;
    this.onerror = null;
  }
  postMessage(message) {
    this.sent.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  answer(data) {
    this.onmessage({ data });
  }
}

function client() {
  const workers = [];
  const runtime = new RuntimeClient(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    { indexURL: "/_static/carnet/pyodide/", helperURL: "/_static/carnet_runtime.py", messages: { input: "no input" } },
  );
  return { runtime, workers };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("a cell runs once Python is ready, with its outputs, and reports whether it raised", async () => {
  const { runtime, workers } = client();
  const outputs = [];
  const result = runtime.run("print(1)", "<cellule 1>", { output: (kind, payload) => outputs.push([kind, payload]) });
  const [worker] = workers;
  assert.equal(worker.sent[0].type, "init");
  assert.equal(worker.sent.length, 1, "nothing runs before Python is ready");
  worker.answer({ type: "ready", seconds: 1.5 });
  await tick();
  const run = worker.sent[1];
  assert.deepEqual([run.type, run.code, run.filename], ["run", "print(1)", "<cellule 1>"]);
  worker.answer({ type: "output", id: run.id, kind: "stream", payload: { name: "stdout", text: "1\n" } });
  worker.answer({ type: "done", id: run.id, error: false });
  assert.deepEqual(await result, { error: false });
  assert.deepEqual(outputs, [["stream", { name: "stdout", text: "1\n" }]]);
});

test("a failed start fails every waiting cell at once, and the next run starts a new worker", async () => {
  const { runtime, workers } = client();
  const first = runtime.run("1", "<cellule 1>");
  const second = runtime.run("2", "<cellule 2>");
  workers[0].answer({ type: "start-failed", message: "Failed to fetch pyodide.asm.wasm" });
  for (const waiting of [first, second]) {
    await assert.rejects(waiting, (error) => error.kind === "start" && /pyodide\.asm\.wasm/.test(error.message));
  }
  assert.ok(workers[0].terminated);
  assert.equal(runtime.started, false);
  const retry = runtime.run("3", "<cellule 3>");
  assert.equal(workers.length, 2, "trying again starts Python again");
  workers[1].answer({ type: "ready", seconds: 1 });
  await tick();
  workers[1].answer({ type: "done", id: workers[1].sent[1].id, error: true });
  assert.deepEqual(await retry, { error: true });
});

test("a worker script that cannot load fails the cells too", async () => {
  const { runtime, workers } = client();
  const waiting = runtime.run("1", "<cellule 1>");
  let prevented = false;
  workers[0].onerror({ message: "", preventDefault: () => (prevented = true) });
  await assert.rejects(waiting, (error) => error.kind === "start" && error.message.includes("worker"));
  assert.ok(prevented);
});

test("stopping ends the worker and the running cell; messages of the old worker are ignored", async () => {
  const { runtime, workers } = client();
  const running = runtime.run("while True: pass", "<cellule 1>");
  workers[0].answer({ type: "ready", seconds: 1 });
  await tick();
  const id = workers[0].sent[1].id;
  runtime.stop("Python was stopped");
  await assert.rejects(running, (error) => error.kind === "stopped" && error.message === "Python was stopped");
  assert.ok(workers[0].terminated);
  workers[0].answer({ type: "done", id, error: false }); // too late: ignored
  assert.equal(runtime.started, false);
});

test("an internal failure of the worker fails only its cell", async () => {
  const { runtime, workers } = client();
  const failing = runtime.run("1", "<cellule 1>");
  workers[0].answer({ type: "ready", seconds: 1 });
  await tick();
  workers[0].answer({ type: "failed", id: workers[0].sent[1].id, message: "boom" });
  await assert.rejects(failing, (error) => error.kind === "internal");
  assert.equal(runtime.started, true);
});

test("an exercise's check goes to the worker whole and resolves its verdict, outputs on the way", async () => {
  const { runtime, workers } = client();
  const outputs = [];
  const job = { setup: ["U = 1"], code: "x = ...", filename: "<cellule 2>", tests: "assert x == 1", hidden: "" };
  const result = runtime.send({ type: "check", ...job }, { output: (kind) => outputs.push(kind) });
  const [worker] = workers;
  worker.answer({ type: "ready", seconds: 1 });
  await tick();
  const sent = worker.sent[1];
  assert.deepEqual({ ...sent, id: undefined }, { type: "check", ...job, id: undefined });
  worker.answer({ type: "output", id: sent.id, kind: "stream", payload: { name: "stdout", text: "" } });
  const verdict = { passed: false, stage: "tests", error: "AssertionError", message: "", line: "assert x == 1" };
  worker.answer({ type: "done", id: sent.id, verdict });
  assert.deepEqual(await result, { error: false, verdict });
  assert.deepEqual(outputs, ["stream"]);
});

test("the page hears Python's state: starting with its downloads, ready, running which cell, stopped", async () => {
  const { runtime, workers } = client();
  const states = [];
  runtime.onstate = (state, detail) => states.push([state, detail?.loaded ?? detail?.label]);
  const first = runtime.run("1", "<cellule 1>", { label: "cellule 1" });
  const second = runtime.run("2", "<cellule 2>", { label: "cellule 2" });
  const [worker] = workers;
  worker.answer({ type: "progress", loaded: 5_000_000 });
  worker.answer({ type: "ready", seconds: 2 });
  await tick();
  const [, one, two] = worker.sent;
  worker.answer({ type: "done", id: one.id, error: false });
  await first;
  worker.answer({ type: "done", id: two.id, error: false });
  await second;
  runtime.stop("stopped");
  assert.deepEqual(states, [
    ["starting", 0],
    ["starting", 5_000_000],
    ["running", "cellule 1"],
    ["running", "cellule 1"],
    ["running", "cellule 1"],
    ["running", "cellule 2"],
    ["ready", undefined],
    ["stopped", undefined],
  ]);
});
