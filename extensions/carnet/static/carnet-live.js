// Carnet: run and edit the code cells of a page in the reader's browser (Pyodide in a Web Worker).
// Nothing of the runtime is downloaded until the reader shows intent (hover or focus on a code
// cell, or Run), or, with prewarm "idle", once the page is idle. Settings come from data-
// attributes of this script tag; the UI texts come translated in data-messages.
(() => {
  "use strict";
  const script = document.currentScript;
  const settings = script.dataset;
  const text = JSON.parse(settings.messages);
  const here = (path) => new URL(path, script.src).href;
  const pyodideURL = here(settings.pyodide);
  const storagePrefix = `carnet:v1:${location.pathname}:`;

  // ---- the runtime: one worker per page, so every cell shares one Python namespace ----
  let runtime = null;
  let nextId = 0;

  function startRuntime() {
    if (runtime) return runtime;
    const worker = new Worker(here("carnet-worker.mjs"), { type: "module" });
    const pending = new Map();
    let markReady;
    const ready = new Promise((resolve) => (markReady = resolve));
    worker.onmessage = ({ data }) => {
      if (data.type === "ready") return markReady();
      const job = pending.get(data.id);
      if (data.type === "fatal" && !job) {
        for (const waiting of pending.values()) waiting.fail(data.message);
        return;
      }
      if (!job) return;
      if (data.type === "output") job.output(data.kind, data.payload);
      else if (data.type === "packages-failed") job.packagesFailed(data.packages);
      else if (data.type === "done") job.finish();
      else if (data.type === "fatal") job.fail(data.message);
    };
    worker.postMessage({
      type: "init",
      indexURL: pyodideURL,
      helperURL: here("carnet_runtime.py"),
      inputMessage: text.input,
    });
    runtime = { worker, pending, ready };
    return runtime;
  }

  function stopRuntime() {
    if (!runtime) return;
    runtime.worker.terminate();
    for (const job of runtime.pending.values()) job.fail(text.stopped);
    runtime = null;
  }

  // ---- the editor: CodeMirror 5, loaded on intent ----
  let editorLoader = null;
  function loadEditor() {
    if (!editorLoader) {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = here(settings.codemirror + "lib/codemirror.css");
      document.head.append(css);
      const load = (src) =>
        new Promise((resolve, reject) => {
          const tag = document.createElement("script");
          tag.src = here(settings.codemirror + src);
          tag.onload = resolve;
          tag.onerror = reject;
          document.head.append(tag);
        });
      editorLoader = load("lib/codemirror.js").then(() => load("mode/python/python.js"));
      editorLoader.then(() => cells.forEach((cell) => cell.upgrade()));
    }
    return editorLoader;
  }

  function intent() {
    startRuntime();
    loadEditor();
  }

  // ---- outputs ----
  function renderOutput(area, kind, payload) {
    if (kind === "stream") {
      let last = area.lastElementChild;
      if (!last || !last.classList.contains(`carnet-stream-${payload.name}`)) {
        last = document.createElement("pre");
        last.className = `carnet-stream carnet-stream-${payload.name}`;
        area.append(last);
      }
      last.textContent += payload.text;
    } else if (kind === "error") {
      const pre = document.createElement("pre");
      pre.className = "carnet-error";
      pre.textContent = payload.traceback;
      area.append(pre);
    } else {
      area.append(renderBundle(payload, kind));
    }
  }

  function renderBundle(bundle, kind) {
    const box = document.createElement("div");
    box.className = `carnet-${kind}`;
    if (bundle["text/html"]) {
      box.innerHTML = bundle["text/html"];
    } else if (bundle["image/svg+xml"]) {
      box.innerHTML = bundle["image/svg+xml"];
    } else if (bundle["image/png"] || bundle["image/jpeg"]) {
      const image = document.createElement("img");
      const mime = bundle["image/png"] ? "image/png" : "image/jpeg";
      image.src = `data:${mime};base64,${bundle[mime]}`;
      image.alt = bundle["text/plain"] || "";
      box.append(image);
    } else {
      const pre = document.createElement("pre");
      pre.textContent = bundle["text/plain"];
      box.append(pre);
    }
    return box;
  }

  // ---- cells ----
  function button(label, title, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "carnet-button";
    element.textContent = label;
    element.title = title;
    element.setAttribute("aria-label", title);
    element.addEventListener("click", action);
    return element;
  }

  class LiveCell {
    constructor(element, index) {
      this.element = element;
      this.index = index;
      this.pre = element.querySelector(".cell_input pre");
      this.original = this.pre.textContent.replace(/\n$/, "");
      this.saved = localStorage.getItem(storagePrefix + index);
      this.editor = null;
      element.classList.add("carnet-live");
      element.dataset.carnetCell = String(index + 1);

      const bar = document.createElement("div");
      bar.className = "carnet-toolbar";
      bar.setAttribute("role", "toolbar");
      bar.setAttribute("aria-label", text.toolbar);
      this.runButton = button(text.run, text.runTitle, () => this.run());
      this.runButton.classList.add("carnet-run");
      this.status = document.createElement("span");
      this.status.className = "carnet-status";
      this.status.setAttribute("aria-live", "polite");
      this.resetButton = button(text.reset, text.resetTitle, () => this.reset());
      this.resetButton.classList.add("carnet-reset");
      bar.append(
        this.runButton,
        button(text.runAbove, text.runAboveTitle, () => runUpTo(this.index)),
        button(text.stop, text.stopTitle, () => {
          stopRuntime();
          setAll(text.stopped);
        }),
        button(text.restart, text.restartTitle, () => {
          stopRuntime();
          setAll(text.restarted);
          startRuntime();
        }),
        this.resetButton,
        this.status,
      );
      element.querySelector(".cell_input").before(bar);
      this.output = document.createElement("div");
      this.output.className = "carnet-output";
      this.output.hidden = true;
      element.querySelector(".cell_input").after(this.output);

      if (this.saved !== null && this.saved !== this.original) this.pre.textContent = this.saved;
      this.markModified();
      element.addEventListener("pointerenter", intent, { once: true });
      element.addEventListener("focusin", intent, { once: true });
      this.pre.tabIndex = 0;
      this.pre.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && event.shiftKey) {
          event.preventDefault();
          this.run();
        }
      });
    }

    get code() {
      return this.editor ? this.editor.getValue() : this.pre.textContent.replace(/\n$/, "");
    }

    upgrade() {
      if (this.editor || !window.CodeMirror) return;
      const value = this.code;
      this.editor = window.CodeMirror((node) => this.pre.replaceWith(node), {
        value,
        mode: "python",
        indentUnit: 4,
        viewportMargin: Infinity,
        extraKeys: { "Shift-Enter": () => this.run(), "Ctrl-Enter": () => this.run(), Tab: "indentMore" },
        screenReaderLabel: text.editorLabel,
      });
      this.editor.on("change", () => this.store());
    }

    store() {
      const code = this.code;
      if (code === this.original) localStorage.removeItem(storagePrefix + this.index);
      else localStorage.setItem(storagePrefix + this.index, code);
      this.markModified();
    }

    markModified() {
      const modified = this.code !== this.original;
      this.resetButton.hidden = !modified;
      this.element.classList.toggle("carnet-modified", modified);
    }

    reset() {
      if (this.editor) this.editor.setValue(this.original);
      else this.pre.textContent = this.original;
      localStorage.removeItem(storagePrefix + this.index);
      this.markModified();
    }

    setStatus(message) {
      this.status.textContent = message;
    }

    async run() {
      intent();
      const { worker, pending, ready } = startRuntime();
      const id = nextId++;
      this.output.replaceChildren();
      this.output.hidden = false;
      this.element.querySelector(".cell_output")?.classList.add("carnet-replaced");
      this.element.classList.add("carnet-running");
      this.setStatus(text.starting);
      const cell = this;
      const finished = new Promise((resolve) => {
        pending.set(id, {
          output: (kind, payload) => renderOutput(cell.output, kind, payload),
          packagesFailed: (packages) => {
            const note = document.createElement("pre");
            note.className = "carnet-error carnet-missing-package";
            note.textContent = text.packageMissing.replace("{packages}", packages.join(", "));
            cell.output.append(note);
          },
          finish: () => resolve(true),
          fail: (message) => {
            renderOutput(cell.output, "error", { traceback: message });
            resolve(false);
          },
        });
      });
      await ready;
      this.setStatus(text.running);
      worker.postMessage({ type: "run", id, code: this.code, filename: `<cellule ${this.index + 1}>` });
      const ok = await finished;
      pending.delete(id);
      this.element.classList.remove("carnet-running");
      this.setStatus(ok ? "" : text.failed);
      return ok;
    }
  }

  const cells = [...document.querySelectorAll("div.cell")]
    .filter((element) => element.querySelector(".cell_input pre"))
    .map((element, index) => new LiveCell(element, index));

  function setAll(message) {
    cells.forEach((cell) => cell.setStatus(message));
  }

  async function runUpTo(index) {
    for (const cell of cells.slice(0, index + 1)) {
      if (!(await cell.run())) break;
    }
  }

  if (settings.prewarm === "idle") {
    const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 1));
    window.addEventListener("load", () => idle(intent));
  }
})();
