// Which packages of Pyodide's lock file a cell needs, and which of them could not be loaded.
// Pyodide's loadPackagesFromImports loads them; this names the ones that failed (offline, blocked),
// from the lock file Pyodide itself uses (pyodide.lockfile.packages).

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
