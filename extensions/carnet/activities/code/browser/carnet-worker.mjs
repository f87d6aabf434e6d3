// Carnet's Web Worker: loads Pyodide from the book (or the CDN the author chose) and runs cells.
// Its page side is carnet-live/runtime.mjs (RuntimeClient). The messages:
//
// Page → worker: {type: "init", indexURL, helperURL, checkerURL, messages, files}
//                {type: "run", id, code, filename}
//                {type: "check", id, setup, code, filename, tests, hidden}  (an exercise, see exercise.mjs)
//                {type: "input-reply", value}  (the reader's answer to input())
// Worker → page: {type: "progress", loaded}  (bytes downloaded while Python starts)
//                {type: "ready", seconds}            {type: "start-failed", message}
//                {type: "output", id, kind, payload} {type: "packages-failed", id, packages} (then done: not run)
//                {type: "input", id, prompt}
//                {type: "done", id, error, verdict}  {type: "failed", id, message}
import { fileMounts } from "./files.mjs";
import { loadForCell, quiet } from "./packages.mjs";

let pyodide = null;
let runtime = null;
let started = false;
let checkURL = null;
let checker = null;

// Pyodide does not always reject when a file fails to load (a failed .wasm fetch surfaces as an
// unhandled rejection and loadPyodide never settles): any error before Python is ready is a failed start.
function failedStart(reason) {
  if (!started) postMessage({ type: "start-failed", message: String(reason?.message || reason) });
  started = true;
}
self.addEventListener("unhandledrejection", (event) => {
  if (!started) {
    event.preventDefault();
    failedStart(event.reason);
  }
});

/** The page's files, read lazily from the book; the page's folder is the working directory. */
function mountPageFiles(files) {
  const { cwd, mounts } = fileMounts(files);
  pyodide.FS.mkdirTree(cwd);
  for (const { dir, name, url } of mounts) {
    pyodide.FS.mkdirTree(dir);
    pyodide.FS.createLazyFile(dir, name, url, true, true);
  }
  return cwd;
}

/**
 * Count the bytes downloaded through ``fetch`` (Pyodide's files and packages) and report them to the
 * page, at most every 100 ms; returns the function that stops counting.
 */
function countDownloads() {
  const fetchFile = self.fetch;
  let loaded = 0;
  let reported = 0;
  const report = () => {
    if (performance.now() - reported < 100) return;
    reported = performance.now();
    postMessage({ type: "progress", loaded });
  };
  // A copy of each response is read to count its bytes; Pyodide gets the response itself, untouched
  // (its URL, and Chromium's cache of compiled WebAssembly, stay those of the book's file).
  const count = async (reader) => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      loaded += chunk.value.byteLength;
      report();
    }
  };
  self.fetch = async (...request) => {
    const response = await fetchFile(...request);
    if (response.body) count(response.clone().body.getReader()).catch(() => {});
    return response;
  };
  return () => {
    self.fetch = fetchFile;
    postMessage({ type: "progress", loaded });
  };
}

/** Start fetching one of Carnet's Python modules from the book (a failure surfaces when it is awaited). */
function fetchModule(url) {
  const text = fetch(url).then((response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.text();
  });
  text.catch(() => {}); // awaited later: not an unhandled rejection meanwhile
  return text;
}

/** Write a fetched module into Python's home folder. */
async function install(name, text) {
  pyodide.FS.writeFile(`/home/pyodide/${name}`, await text);
}

/** The answer the page will give to input(): resolved by an "input-reply" message. */
let answer = null;
function ask(id, prompt) {
  postMessage({ type: "input", id, prompt });
  return new Promise((resolve) => (answer = resolve));
}
let running = null; // the id of the job running now

async function init({ indexURL, helperURL, checkerURL, messages, files }) {
  const start = performance.now();
  const counted = countDownloads();
  checkURL = checkerURL;
  // Carnet's modules download while Pyodide starts (carnet_runtime imports carnet_errors).
  const modules = ["carnet_errors.py", "carnet_runtime.py"].map((name) => [name, fetchModule(new URL(name, helperURL).href)]);
  try {
    const { loadPyodide } = await import(indexURL + "pyodide.mjs");
    // A fixed string hash: a set prints in the same order on every run, as in the book's build kernels.
    const env = { PYTHONHASHSEED: "0" };
    pyodide = await loadPyodide({ indexURL, lockFileURL: indexURL + "pyodide-lock.json", env });
    for (const [name, text] of modules) await install(name, text);
    runtime = pyodide.pyimport("carnet_runtime");
    runtime.MESSAGES.update(pyodide.toPy(messages));
    runtime.ASK = (prompt) => ask(running, prompt);
    runtime.enter_page_folder(mountPageFiles(files));
    // Cells run in IPython: its files are part of the start (a failure shows at the first run).
    await pyodide.loadPackage(["ipython"], quiet).catch(() => {});
  } catch (error) {
    failedStart(error);
    return;
  } finally {
    counted();
  }
  if (started) return; // it had already failed
  started = true;
  postMessage({ type: "ready", seconds: (performance.now() - start) / 1000 });
}

/**
 * A package the code imports could not be downloaded (offline): the page says so in one sentence
 * and the code does not run, so the pupil never sees a ModuleNotFoundError on their own import line.
 */
function notRun(id, packages) {
  postMessage({ type: "packages-failed", id, packages });
  postMessage({ type: "done", id, error: true });
}

async function runCell({ id, code, filename }) {
  running = id;
  try {
    const missing = await loadForCell(pyodide, runtime, code);
    if (missing.length) return notRun(id, missing);
    const emit = (kind, payload) => postMessage({ type: "output", id, kind, payload: JSON.parse(payload) });
    const raised = await runtime.run(code, filename, emit);
    postMessage({ type: "done", id, error: Boolean(raised) });
  } catch (error) {
    postMessage({ type: "failed", id, message: String(error?.message || error) });
  }
}

/** Check an exercise: its setup, the pupil's code (outputs sent as a run's), its tests; send the verdict. */
async function checkExercise({ id, setup, code, filename, tests, hidden }) {
  running = id;
  try {
    if (!checker) {
      await install("carnet_check.py", fetchModule(checkURL));
      // The working directory is the page's folder by now: import from where the module was written.
      checker = pyodide.runPython("import importlib, sys; sys.path.append('/home/pyodide'); importlib.invalidate_caches(); importlib.import_module('carnet_check')");
    }
    const missing = await loadForCell(pyodide, runtime, [...setup, code, tests, hidden].join("\n"));
    if (missing.length) return notRun(id, missing); // no verdict: not the pupil's try
    const emit = (kind, payload) => postMessage({ type: "output", id, kind, payload: JSON.parse(payload) });
    const verdict = await checker.check(pyodide.toPy(setup), code, filename, tests, hidden, emit);
    postMessage({ type: "done", id, verdict: verdict.toJs({ dict_converter: Object.fromEntries }) });
    verdict.destroy();
  } catch (error) {
    postMessage({ type: "failed", id, message: String(error?.message || error) });
  }
}

let queue = Promise.resolve();

self.onmessage = ({ data }) => {
  // Python is waiting for this answer (suspended mid-cell): it cannot wait in the queue.
  if (data.type === "input-reply") answer?.(data.value);
  else if (data.type === "init") queue = queue.then(() => init(data));
  else if (data.type === "check") queue = queue.then(() => checkExercise(data));
  else queue = queue.then(() => runCell(data));
};
