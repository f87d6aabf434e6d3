// Which packages of Pyodide's lock file a cell needs, and which of them could not be loaded
// (offline, blocked), from the lock file Pyodide itself uses (pyodide.lockfile.packages); and the
// loading before a cell runs, shared by the page's worker and the browser check (under Node).

/** Options that keep Pyodide's loader from logging each package. */
export const quiet = { messageCallback: () => {}, errorCallback: () => {} };

/** Lock-file package names providing the given top-level imports. */
export function packagesForImports(imports, lockPackages) {
  const wanted = new Set(imports);
  const names = [];
  for (const [name, entry] of Object.entries(lockPackages)) {
    if ((entry.imports || []).some((module) => wanted.has(module))) names.push(name);
  }
  return names.sort();
}

/** Packages the imports need that are not loaded (``loaded``: Pyodide's loadedPackages). */
export function missingPackages(imports, lockPackages, loaded) {
  return packagesForImports(imports, lockPackages).filter((name) => !(name in loaded));
}

/**
 * Load what a cell needs before it runs: IPython's files (when carnet_runtime says so), then the
 * lock packages it imports. Resolves to the packages that could not be loaded.
 */
export async function loadForCell(pyodide, runtime, code) {
  if (runtime.needs_ipython(code)) await pyodide.loadPackage(["ipython"], quiet);
  const found = runtime.imports_of(code);
  const imports = found.toJs();
  found.destroy();
  const wanted = packagesForImports(imports, pyodide.lockfile.packages);
  if (wanted.length) await pyodide.loadPackage(wanted, quiet).catch(() => {});
  return missingPackages(imports, pyodide.lockfile.packages, pyodide.loadedPackages);
}
