// Carnet's Web Worker: loads Pyodide from the book (or the CDN the author chose) and runs cells.
// Messages in:  {type: "init", indexURL, helperURL, inputMessage}, {type: "run", id, code, filename}
// Messages out: {type: "ready", seconds}, {type: "output", id, kind, payload}, {type: "done", id},
//               {type: "packages-failed", id, packages, detail}, {type: "fatal", message}
let pyodide = null;
let run = null;
// Import name -> lock-file package name, so a cell's imports can be loaded before it runs.
const importToPackage = new Map();

async function init({ indexURL, helperURL, inputMessage }) {
  const start = performance.now();
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const lockFileURL = indexURL + "pyodide-lock.json";
  pyodide = await loadPyodide({ indexURL, lockFileURL });
  const lock = await (await fetch(lockFileURL)).json();
  for (const [name, entry] of Object.entries(lock.packages)) {
    for (const module of entry.imports || []) importToPackage.set(module, name);
  }
  const helper = await (await fetch(helperURL)).text();
  pyodide.FS.writeFile("/home/pyodide/carnet_runtime.py", helper);
  const runtime = pyodide.pyimport("carnet_runtime");
  runtime.INPUT_MESSAGE = inputMessage;
  run = runtime.run;
  postMessage({ type: "ready", seconds: (performance.now() - start) / 1000 });
}

async function loadImports(id, code) {
  const imports = pyodide.pyimport("pyodide.code").find_imports(code).toJs();
  const wanted = [...new Set(imports.map((name) => importToPackage.get(name)).filter(Boolean))].filter(
    (name) => !(name in pyodide.loadedPackages),
  );
  if (!wanted.length) return;
  const details = [];
  await pyodide
    .loadPackage(wanted, { messageCallback: () => {}, errorCallback: (message) => details.push(message) })
    .catch((error) => details.push(String(error)));
  const missing = wanted.filter((name) => !(name in pyodide.loadedPackages));
  if (missing.length) postMessage({ type: "packages-failed", id, packages: missing, detail: details.join("\n") });
}

async function runCell({ id, code, filename }) {
  await loadImports(id, code);
  const emit = (kind, payload) => postMessage({ type: "output", id, kind, payload: JSON.parse(payload) });
  await run(code, filename, emit);
  postMessage({ type: "done", id });
}

let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  const task = message.type === "init" ? () => init(message) : () => runCell(message);
  queue = queue.then(task).catch((error) => postMessage({ type: "fatal", id: message.id, message: String(error) }));
};
