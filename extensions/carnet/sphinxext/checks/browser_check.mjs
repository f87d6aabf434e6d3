// Carnet's browser check, run by Node: every page's cells in the Pyodide runtime the book serves
// (the same files, lock and carnet_runtime.py), one runtime for all pages, each page in a fresh
// namespace and folder holding exactly the files the book publishes for it.
//
// argv: the runtime's folder, and where to keep a memory snapshot of the started Pyodide (its
// name gets Node's version): the first check writes it, the next ones start from it (about 0.6 s
// instead of 5 s). Pyodide starts at once; then stdin gives the job:
// {helper, messages, pages: [{page, folder, files: [[path in folder, file]], cells}]}
// stdout, one JSON line each: {started} (seconds to start Pyodide), {page, cell} when a cell starts,
// {page, cells: [{outputs, missing}], seconds} when a page is done (outputs: [kind, payload] pairs,
// turtle commands reduced to one marker).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { loadForCell } = await import(join(here, "../../activities/code/browser/packages.mjs"));

const started = performance.now();
const runtimeDir = process.argv[2];
const { loadPyodide } = await import(join(runtimeDir, "pyodide.mjs"));
// The snapshot keeps the hash seed it was started with: its name says which.
const pyodide = await startPyodide(process.argv[3] ? `${process.argv[3]}-node${process.version}-hash0.bin` : "");

async function startPyodide(snapshot) {
  // A fixed string hash, as in the page's worker and the build's kernels: a set prints in one order.
  const env = { PYTHONHASHSEED: "0" };
  const options = { indexURL: runtimeDir + "/", lockFileURL: join(runtimeDir, "pyodide-lock.json"), env };
  if (snapshot && existsSync(snapshot)) {
    try {
      return await loadPyodide({ ...options, _loadSnapshot: readFileSync(snapshot) });
    } catch {
      // A snapshot this Pyodide cannot read: start afresh and write it again.
    }
  }
  const started = await loadPyodide({ ...options, _makeSnapshot: Boolean(snapshot) });
  if (snapshot) {
    const partial = `${snapshot}.${process.pid}`; // renamed once whole: another check never reads half a file
    try {
      writeFileSync(partial, started.makeMemorySnapshot());
      renameSync(partial, snapshot);
    } catch {
      // A cache we cannot write to (full, read-only): the next check starts afresh too.
    }
  }
  return started;
}
// Started while the book builds; the job comes once its pages are executed.
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
// Carnet's Python modules, beside the runtime helper (carnet_runtime imports carnet_errors).
for (const name of ["carnet_errors.py", "carnet_runtime.py"]) {
  pyodide.FS.writeFile(`/home/pyodide/${name}`, readFileSync(join(dirname(job.helper), name), "utf8"));
}
const runtime = pyodide.pyimport("carnet_runtime");
runtime.MESSAGES.update(pyodide.toPy(job.messages));
const say = (line) => process.stdout.write(JSON.stringify(line) + "\n");
say({ started: (performance.now() - started) / 1000 });

for (const page of job.pages) {
  const cwd = runtime.new_page(page.folder);
  for (const [path, file] of page.files) {
    const target = `${cwd}/${path}`;
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf("/")));
    pyodide.FS.writeFile(target, readFileSync(file));
  }
  const cells = [];
  const pageStart = performance.now();
  for (const [index, code] of page.cells.entries()) {
    say({ page: page.page, cell: index + 1 });
    const missing = await loadForCell(pyodide, runtime, code);
    const outputs = [];
    let drew = false;
    const emit = (kind, payload) => {
      if (kind !== "turtle") outputs.push([kind, JSON.parse(payload)]);
      else if (!drew) outputs.push(["turtle", {}]), (drew = true);
    };
    await runtime.run(code, `<cellule ${index + 1}>`, emit);
    cells.push({ outputs, missing });
  }
  say({ page: page.page, cells, seconds: (performance.now() - pageStart) / 1000 });
}
