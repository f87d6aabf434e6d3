import assert from "node:assert/strict";
import { test } from "node:test";

import { fileMounts } from "../../extensions/carnet/activities/code/browser/files.mjs";

const BASE = "https://prof.github.io/cours/lite/files/";

test("a page's files sit under its folder, the working directory, with their published URL", () => {
  const { cwd, mounts } = fileMounts({ folder: "chapitres/donnees", files: ["data/notes.csv", "mylib.py"], base: BASE });
  assert.equal(cwd, "/home/pyodide/book/chapitres/donnees");
  assert.deepEqual(mounts, [
    {
      dir: "/home/pyodide/book/chapitres/donnees/data",
      name: "notes.csv",
      url: `${BASE}chapitres/donnees/data/notes.csv`,
    },
    { dir: "/home/pyodide/book/chapitres/donnees", name: "mylib.py", url: `${BASE}chapitres/donnees/mylib.py` },
  ]);
});

test("a page at the book's root, and names that need escaping in a URL", () => {
  const { cwd, mounts } = fileMounts({ folder: "", files: ["données/élèves #1.csv"], base: BASE });
  assert.equal(cwd, "/home/pyodide/book");
  assert.equal(mounts[0].name, "élèves #1.csv");
  assert.equal(mounts[0].url, `${BASE}donn%C3%A9es/%C3%A9l%C3%A8ves%20%231.csv`);
});
