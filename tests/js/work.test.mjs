import assert from "node:assert/strict";
import { test } from "node:test";

import { bareNotebook, CELL_KEY, pupilNotebook, workFileName, workToRestore } from "../../extensions/carnet/activities/exercise/browser/work.mjs";

const skeleton = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { carnet: { page: "chapitres/fonctions" } },
  cells: [
    { cell_type: "markdown", metadata: {}, source: "# Fonctions" },
    { cell_type: "code", metadata: { tags: ["exercise-setup"] }, source: "U = 1\n", outputs: [] },
    { cell_type: "code", metadata: { tags: ["exercise-answer"] }, source: ["def f(x):\n", "    ...  # à compléter\n"], outputs: [], execution_count: null },
    { cell_type: "code", metadata: { tags: ["exercise-tests"] }, source: "assert f(1) == 2\n", outputs: [] },
    { cell_type: "code", metadata: {}, source: "print(2)", outputs: [{ output_type: "stream", name: "stdout", text: "2\n" }], execution_count: 3 },
  ],
};
const page = [
  { key: "k-answer", original: "def f(x):\n    ...  # à compléter", code: "def f(x):\n    return 2 * x", tags: ["exercise-answer"] },
  { key: "k-tests", original: "assert f(1) == 2", code: "assert f(1) == 2", tags: ["exercise-tests"] },
  { key: "k-print", original: "print(2)", code: "print(2)", tags: [] },
];

test("the pupil's notebook holds their code, keeps what they did not change, and says who and where", () => {
  const notebook = pupilNotebook(skeleton, page, { page: "chapitres/fonctions", pupil: "Léa", exercises: [{ number: 1, attempts: 2 }] });
  assert.equal(notebook.cells[2].source, "def f(x):\n    return 2 * x");
  assert.deepEqual(notebook.cells[2].outputs, []);
  assert.equal(notebook.cells[1].source, "U = 1\n", "the hidden setup stays, for Jupyter");
  assert.equal(notebook.cells[1].metadata[CELL_KEY], undefined);
  assert.equal(notebook.cells[4].execution_count, 3, "unchanged cells keep their outputs");
  assert.deepEqual(notebook.cells.slice(2).map((cell) => cell.metadata[CELL_KEY]), ["k-answer", "k-tests", "k-print"]);
  assert.deepEqual(notebook.metadata.carnet, { page: "chapitres/fonctions", pupil: "Léa", exercises: [{ number: 1, attempts: 2 }] });
  assert.equal(skeleton.cells[2].metadata[CELL_KEY], undefined, "the skeleton is not changed");
});

test("work comes back to its cells by key, or to the answers in order from a notebook edited elsewhere", () => {
  const saved = pupilNotebook(skeleton, page, {});
  assert.deepEqual(workToRestore(saved, page), [
    { index: 0, code: "def f(x):\n    return 2 * x" },
    { index: 1, code: "assert f(1) == 2" },
    { index: 2, code: "print(2)" },
  ]);
  const edited = structuredClone(skeleton);
  edited.cells[2].source = "def f(x):\n    return x + x\n";
  assert.deepEqual(workToRestore(edited, page), [{ index: 0, code: "def f(x):\n    return x + x" }]);
  assert.throws(() => workToRestore({ nope: 1 }, page), /not a notebook/);
});

test("the file is named after the page and the pupil, as carnet grade reads it", () => {
  assert.equal(workFileName("chapitres/fonctions", "Léa Martin"), "fonctions - Léa Martin.ipynb");
  assert.equal(workFileName("fonctions", ' a/b:"c" '), "fonctions - a b c.ipynb");
  assert.equal(workFileName("fonctions", ""), "fonctions.ipynb");
  assert.equal(bareNotebook([{ original: "x = 1" }]).cells[0].source, "x = 1");
});
