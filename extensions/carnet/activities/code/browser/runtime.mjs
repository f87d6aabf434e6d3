// The page side of the runtime: one Web Worker per page (every cell shares one Python namespace),
// spoken to with the messages listed in carnet-worker.mjs. A failed start (a blocked or missing
// file, a worker that cannot load) fails every waiting cell at once, and the next run starts a new
// worker: no cell waits forever. Python's state goes to ``onstate(state, detail)`` for the page's
// one status bar: "starting" ({loaded} bytes so far), "ready", "running" ({label} of the job),
// "stopped", "failed".

/** Why a run did not complete: Python could not start, or the reader stopped it. */
export class RuntimeError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind; // "start" or "stopped" or "internal"
  }
}

export class RuntimeClient {
  /**
   * @param createWorker () => a Worker (postMessage, terminate, onmessage, onerror)
   * @param init the "init" message's settings: indexURL, helperURL, messages ({input, system}), files (see files.mjs)
   */
  constructor(createWorker, init) {
    this.createWorker = createWorker;
    this.init = init;
    this.worker = null;
    this.jobs = new Map();
    this.nextId = 0;
    this.ready = null;
    this.isReady = false;
    this.onstate = () => {};
  }

  get started() {
    return this.worker !== null;
  }

  /** Start the worker (once); the promise settles when Python is ready or has failed to start. */
  start() {
    if (this.worker) return this.ready;
    let settle;
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.ready.catch(() => {}); // a start failure is reported to the cells, not as an unhandled rejection
    const failStart = (message) => {
      settle.reject(new RuntimeError("start", message));
      this.reset(new RuntimeError("start", message));
      this.onstate("failed");
    };
    let worker;
    try {
      worker = this.createWorker();
    } catch (error) {
      this.worker = { terminate() {} };
      failStart(String(error));
      return this.ready;
    }
    this.worker = worker;
    this.onstate("starting", { loaded: 0 });
    worker.onmessage = ({ data }) => {
      if (this.worker !== worker) return;
      if (data.type === "progress") return this.onstate("starting", data);
      if (data.type === "ready") {
        this.isReady = true;
        this.reportState();
        return settle.resolve(data.seconds);
      }
      if (data.type === "start-failed") return failStart(data.message);
      const job = this.jobs.get(data.id);
      if (!job) return;
      if (data.type === "output") job.handlers.output?.(data.kind, data.payload);
      else if (data.type === "packages-failed") job.handlers.packagesFailed?.(data.packages);
      else if (data.type === "input") job.handlers.input(data.prompt).then((value) => worker.postMessage({ type: "input-reply", value }));
      else if (data.type === "done" && data.verdict) this.finish(data.id, { error: false, verdict: data.verdict });
      else if (data.type === "done") this.finish(data.id, { error: Boolean(data.error) });
      else if (data.type === "failed") this.finish(data.id, null, new RuntimeError("internal", data.message));
    };
    worker.onerror = (event) => {
      if (this.worker !== worker) return;
      event?.preventDefault?.();
      failStart(event?.message || "the worker could not be loaded");
    };
    worker.postMessage({ type: "init", ...this.init });
    return this.ready;
  }

  /** Run one cell; resolves {error} (whether Python raised) or rejects with a RuntimeError. */
  run(code, filename, handlers = {}) {
    return this.send({ type: "run", code, filename }, handlers);
  }

  /** Send a job ("run" or "check") once Python is ready; resolves its "done" or rejects. */
  async send(message, handlers = {}) {
    const ready = this.start();
    const id = this.nextId++;
    const done = new Promise((resolve, reject) => this.jobs.set(id, { handlers, resolve, reject }));
    try {
      await ready;
    } catch (error) {
      this.finish(id, null, error);
      return done;
    }
    if (this.jobs.has(id)) {
      this.worker.postMessage({ ...message, id });
      this.reportState();
    }
    return done;
  }

  /** Stop Python: the worker ends, waiting cells fail as "stopped"; the next run starts afresh. */
  stop(message) {
    if (!this.worker) return;
    this.reset(new RuntimeError("stopped", message));
    this.onstate("stopped");
  }

  /** Tell the page what a ready Python does now: the first job waiting runs (the worker runs them in order). */
  reportState() {
    const [job] = this.jobs.values();
    if (this.isReady) this.onstate(job ? "running" : "ready", { label: job?.handlers.label });
  }

  finish(id, result, error) {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    if (error) job.reject(error);
    else job.resolve(result);
    this.reportState();
  }

  reset(error) {
    const worker = this.worker;
    this.worker = null;
    this.isReady = false;
    worker?.terminate();
    for (const id of [...this.jobs.keys()]) this.finish(id, null, error);
  }
}
