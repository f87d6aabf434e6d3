// Carnet: run and edit the code cells of a page in the reader's browser (Pyodide in a Web Worker).
// Nothing of the runtime is downloaded until the reader shows intent (hover or focus on a code
// cell, or Run), or, with prewarm "idle", once the page is idle. Settings come from data-
// attributes of this module's script tag (#carnet-live); the texts come translated in data-messages.
// Modules beside it: runtime (worker protocol), outputs, editor, rich (Markdown, LaTeX), storage
// (edits), cell (a cell's controls), pythonbar (the page's Python: state, Stop, Restart). The other
// kinds of activity bring their own modules (data-kinds, from _static/carnet/<kind>/browser/).

import { LiveCell } from "./cell.mjs";
import { EditStore, editKeys } from "./storage.mjs";

const settings = document.getElementById("carnet-live").dataset;
const here = (path) => new URL(path, import.meta.url).href;
// The data- paths are relative to _static/, three folders up from this script (carnet/code/browser/).
const fromStatic = (path) => new URL(path, new URL("../../../", import.meta.url)).href;
const text = JSON.parse(settings.messages);

// Python's state shows in one bar for the page (pythonbar.mjs, loaded with the reader's intent).
let pythonBar = null;
let pythonState = ["starting", { loaded: 0 }];
let runtime = null;
let runtimeLoading = null;
/** The page's runtime (runtime.mjs loads with the first intent); rejects when its module cannot load. */
function python() {
  runtimeLoading ??= import("./runtime.mjs").then(({ RuntimeClient }) => {
    const files = JSON.parse(settings.files);
    runtime = new RuntimeClient(() => new Worker(here("carnet-worker.mjs"), { type: "module" }), {
      indexURL: fromStatic(settings.pyodide),
      helperURL: here("carnet_runtime.py"),
      checkerURL: here("../../exercise/browser/carnet_check.py"),
      messages: { input: text.input, system: text.system },
      files: { ...files, base: fromStatic(files.base) },
    });
    runtime.onstate = (...state) => {
      pythonState = state;
      pythonBar?.show(...state);
    };
    return runtime;
  });
  runtimeLoading.catch(() => (runtimeLoading = null)); // the next intent tries again
  return runtimeLoading;
}

/** The browser's localStorage; reading it throws where storage is blocked (edits then live with the page). */
function browserStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

let editorLoading = null;
let barLoading = null;
function intent() {
  python().then((client) => client.start(), () => {}); // a module that cannot load is reported by the run
  barLoading ??= import("./pythonbar.mjs")
    .then(({ PythonBar }) => {
      pythonBar = new PythonBar(text, Number(settings.download), page);
      pythonBar.show(...pythonState);
    })
    .catch(() => (barLoading = null));
  if (!editorLoading) {
    editorLoading = import("./editor.mjs")
      .then(async ({ loadEditor, createEditor }) => {
        const CodeMirror = await loadEditor(fromStatic(settings.codemirror));
        cells.forEach((cell) => cell.upgrade(createEditor, CodeMirror));
      })
      .catch(() => (editorLoading = null)); // the code stays readable and runnable; intent tries again
  }
}

// The other kinds of activity the page uses (data-kinds): each a module of its kind's browser folder,
// loaded with the first output area when it draws outputs (turtle …), or at once when the page holds
// what its selector finds (exercises …).
const kinds = JSON.parse(settings.kinds || "[]");
const drawing = kinds.filter((kind) => kind.outputs.length);
const context = { settings, text, fromStatic };
let renderers = null;
let drawers = null; // output kind → {draw(area, payload), reset()}

/** The output area of a cell, with the renderers loaded on first use (and again after a failed load). */
async function outputArea(element, cell) {
  renderers ??= Promise.all([
    import("./outputs.mjs"),
    import("./rich.mjs"),
    Promise.all(drawing.map((kind) => import(fromStatic(kind.module)))),
  ]).catch((error) => {
    renderers = null;
    throw error;
  });
  const [{ OutputArea, definesName }, { markdownRenderer, typesetter }, modules] = await renderers;
  drawers ??= Object.fromEntries(
    drawing.flatMap((kind, index) => {
      const drawer = modules[index].outputDrawer(context);
      return kind.outputs.map((output) => [output, drawer]);
    }),
  );
  const rich = {
    markdown: markdownRenderer(fromStatic(settings.marked)),
    typeset: typesetter(fromStatic(settings.mathjax)),
    draw: (kind, area, payload) => {
      drawers[kind]?.draw(area, payload);
      return kind in drawers;
    },
    runAbove: (name) =>
      cells.slice(0, cell.index).some((above) => definesName(above.code, name)) ? () => page.runUpTo(cells[cell.index - 1]) : null,
  };
  return new OutputArea(element, rich, text);
}

const page = {
  text,
  python,
  edits: new EditStore(browserStorage()),
  outputArea,
  intent,
  async runUpTo(last) {
    for (const cell of cells.slice(0, last.index + 1)) {
      if (!(await cell.run())) break;
    }
  },
  stop() {
    runtime?.stop(text.stopped);
    new Set(Object.values(drawers ?? {})).forEach((drawer) => drawer.reset?.());
  },
  restart() {
    this.stop();
    runtime?.start();
  },
};

const elements = [...document.querySelectorAll("div.cell")].filter((element) =>
  element.querySelector(".cell_input pre"),
);
const keys = editKeys(
  location.pathname,
  elements.map((element) => element.querySelector(".cell_input pre").textContent.replace(/\n$/, "")),
);
const cells = elements.map((element, index) => new LiveCell(element, index, keys[index], page));

// A keyboard reader reaches the first code cell in one key press (the theme's links come first).
if (cells.length) {
  cells[0].element.id ||= "carnet-first-cell";
  const skip = Object.assign(document.createElement("a"), { href: `#${cells[0].element.id}`, className: "carnet-skip", textContent: text.skipToCode });
  skip.addEventListener("click", () => setTimeout(() => cells[0].focus()));
  document.body.prepend(skip);
}

page.cells = cells;
for (const kind of kinds) {
  const found = kind.selector ? document.querySelectorAll(kind.selector) : [];
  if (found.length) import(fromStatic(kind.module)).then((module) => module.setUp(page, found, context));
}

if (settings.prewarm === "idle") {
  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 1));
  const start = () => idle(intent);
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
}
