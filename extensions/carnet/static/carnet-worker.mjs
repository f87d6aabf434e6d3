// Carnet's Web Worker: loads Pyodide from the book (or the CDN the author chose) and runs cells.
// The messages it receives and sends are described in carnet-live/runtime.mjs.
import { fileMounts } from "./carnet-live/files.mjs";
import { loadForCell, quiet } from "./carnet-live/packages.mjs";

let pyodide = null;
let runtime = null;
let started = false;

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

async function init({ indexURL, helperURL, messages, files }) {
  const start = performance.now();
  try {
    const { loadPyodide } = await import(indexURL + "pyodide.mjs");
    pyodide = await loadPyodide({ indexURL, lockFileURL: indexURL + "pyodide-lock.json" });
    const helper = await fetch(helperURL);
    if (!helper.ok) throw new Error(`${helperURL}: HTTP ${helper.status}`);
    pyodide.FS.writeFile("/home/pyodide/carnet_runtime.py", await helper.text());
    runtime = pyodide.pyimport("carnet_runtime");
    runtime.MESSAGES.update(pyodide.toPy(messages));
    runtime.enter_page_folder(mountPageFiles(files));
  } catch (error) {
    failedStart(error);
    return;
  }
  if (started) return; // it had already failed
  started = true;
  postMessage({ type: "ready", seconds: (performance.now() - start) / 1000 });
}

async function runCell({ id, code, filename }) {
  try {
    const missing = await loadForCell(pyodide, runtime, code);
    if (missing.length) postMessage({ type: "packages-failed", id, packages: missing });
    const emit = (kind, payload) => postMessage({ type: "output", id, kind, payload: JSON.parse(payload) });
    const raised = await runtime.run(code, filename, emit);
    postMessage({ type: "done", id, error: Boolean(raised) });
  } catch (error) {
    postMessage({ type: "failed", id, message: String(error?.message || error) });
  }
}

let queue = Promise.resolve();
/** Once Python is ready, load IPython's files while the reader is still reading (cells need them soon). */
async function loadIPythonMeanwhile() {
  if (runtime) await pyodide.loadPackage(["ipython"], quiet).catch(() => {});
}

self.onmessage = ({ data }) => {
  if (data.type === "init") queue = queue.then(() => init(data)).then(loadIPythonMeanwhile);
  else queue = queue.then(() => runCell(data));
};
