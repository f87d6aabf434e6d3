// The page's files in the worker's file system: the page's folder (its working directory, as at
// build time) with a lazy file for each file the book publishes for it. A file is downloaded only
// when the page's code first reads it.

/** Where the book's folders are in Pyodide's file system. */
export const BOOK_ROOT = "/home/pyodide/book";

/**
 * The working directory and the lazy files to create, from the page's data-files.
 * @param page {folder, files, base}: the page's folder in the book, its files' paths in that folder,
 *   and the absolute URL of the published files (the book's lite files/ folder)
 */
export function fileMounts({ folder, files, base }) {
  const cwd = folder ? `${BOOK_ROOT}/${folder}` : BOOK_ROOT;
  const prefix = folder ? `${folder}/` : "";
  const mounts = files.map((path) => {
    const full = `${cwd}/${path}`;
    const slash = full.lastIndexOf("/");
    const url = new URL(
      (prefix + path)
        .split("/")
        .map((part) => encodeURIComponent(part))
        .join("/"),
      base,
    ).href;
    return { dir: full.slice(0, slash), name: full.slice(slash + 1), url };
  });
  return { cwd, mounts };
}
