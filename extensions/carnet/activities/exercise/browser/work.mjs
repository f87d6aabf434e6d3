// A pupil's work as a notebook: "Télécharger mon travail" saves the page as an .ipynb with the
// pupil's current code and each exercise's progress; "Ouvrir mon travail" puts such a file back
// into the page. The notebook is the page's "try it" notebook (the pupil's copy, see
// carnet/sphinxext/site/lite.py) when the book has one, so it opens in JupyterLab, Capytale or
// JupyterLite like any notebook, and `carnet grade` marks it. Pure functions first; WorkBar is the DOM.

import { button } from "../../code/browser/cell.mjs";
import { Exercise, decodeExercise } from "./exercise.mjs";

/** Cell metadata naming the page cell a notebook cell came from (its edit key). */
export const CELL_KEY = "carnet-key";
const ANSWER = "exercise-answer";

const sourceOf = (cell) => (Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? ""));
const codeOf = (cell) => sourceOf(cell).replace(/\n$/, ""); // as the page shows it
const tagsOf = (cell) => cell.metadata?.tags ?? [];

/** A file name for a pupil's work: the page's name then the pupil's, as `carnet grade` reads them. */
export function workFileName(pagename, pupil) {
  const page = pagename.split("/").pop();
  const name = pupil.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").replace(/\s+/g, " ").trim();
  return name ? `${page} - ${name}.ipynb` : `${page}.ipynb`;
}

/** A notebook of the page's code cells alone (books without a "try it" notebook). */
export function bareNotebook(cells) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: cells.map(({ original }) => ({ cell_type: "code", metadata: {}, source: original, outputs: [], execution_count: null })),
  };
}

/**
 * The pupil's notebook: ``skeleton`` (the page's notebook) with each page cell's current code.
 * ``cells``: [{key, original, code, tags}] in page order; a notebook cell takes the code of the
 * next page cell whose original code it holds (the page hides some cells, e.g. setup).
 * ``carnet``: the notebook's metadata.carnet (page, pupil, exercises).
 */
export function pupilNotebook(skeleton, cells, carnet) {
  const notebook = structuredClone(skeleton);
  let next = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    const source = sourceOf(cell).replace(/\n$/, "");
    const found = cells.findIndex((page, index) => index >= next && page.original === source);
    if (found < 0) continue;
    const page = cells[found];
    next = found + 1;
    cell.metadata = { ...cell.metadata, [CELL_KEY]: page.key };
    if (page.code !== page.original) {
      cell.source = page.code;
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  notebook.metadata = { ...notebook.metadata, carnet: { ...(notebook.metadata?.carnet ?? {}), ...carnet } };
  return notebook;
}

/**
 * What a notebook brings back to the page: [{index, code}] for page cells ``cells`` ([{key, tags}]).
 * A cell saved from the page names its page cell; a notebook edited elsewhere (JupyterLite…) gives
 * its answers to the page's answer cells in order. Throws on a file that is not a notebook.
 */
export function workToRestore(notebook, cells) {
  if (!notebook || !Array.isArray(notebook.cells)) throw new Error("not a notebook");
  const byKey = new Map(cells.map((cell, index) => [cell.key, index]));
  const answers = cells.flatMap((cell, index) => (cell.tags.includes(ANSWER) ? [index] : []));
  const restored = [];
  let answer = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    const key = cell.metadata?.[CELL_KEY];
    if (key !== undefined) {
      if (byKey.has(key)) restored.push({ index: byKey.get(key), code: codeOf(cell) });
    } else if (tagsOf(cell).includes(ANSWER) && answer < answers.length) {
      restored.push({ index: answers[answer++], code: codeOf(cell) });
    }
  }
  return restored;
}

/** The page's "download / open my work" bar, above its first exercise. */
export class WorkBar {
  /**
   * @param page what the cells share (text, edits); cells: the page's LiveCells; exercises: its Exercises
   * @param options {pagename, notebookURL: the page's "try it" notebook, or "" when it has none}
   */
  constructor(page, cells, exercises, { pagename, notebookURL }) {
    Object.assign(this, { page, cells, exercises, pagename, notebookURL });
    const text = page.text;
    this.element = document.createElement("div");
    this.element.className = "carnet-work";
    this.file = Object.assign(document.createElement("input"), { type: "file", accept: ".ipynb,application/json", hidden: true });
    this.file.addEventListener("change", () => this.open(this.file.files[0]));
    this.message = Object.assign(document.createElement("span"), { className: "carnet-work-message" });
    this.message.setAttribute("role", "status");
    const download = button(text.workDownload, text.workDownloadTitle, () => this.download(), "carnet-work-download");
    const open = button(text.workOpen, text.workOpenTitle, () => this.file.click(), "carnet-work-open");
    this.element.append(download, open, this.file, this.message);
    exercises[0].answer.element.before(this.element);
  }

  /** The pupil's name: asked once, then remembered by the browser. */
  pupil() {
    const key = "carnet:v2:pupil";
    let name = this.page.edits.load(key);
    if (!name) {
      name = (window.prompt(this.page.text.workName) || "").trim();
      if (name) this.page.edits.save(key, name, null);
    }
    return name;
  }

  async skeleton() {
    const pageCells = this.cells.map((cell) => ({ original: cell.original }));
    if (!this.notebookURL) return bareNotebook(pageCells);
    try {
      const response = await fetch(this.notebookURL);
      if (response.ok) return await response.json();
    } catch {
      // offline: the page's code cells still make a notebook
    }
    return bareNotebook(pageCells);
  }

  async download() {
    const pupil = this.pupil();
    const cells = this.cells.map((cell) => ({ key: cell.key, original: cell.original, code: cell.code }));
    const exercises = this.exercises.map(({ data, progress }) => ({ number: data.number, ...progress }));
    const notebook = pupilNotebook(await this.skeleton(), cells, { page: this.pagename, pupil, exercises });
    const blob = new Blob([JSON.stringify(notebook, null, 1)], { type: "application/x-ipynb+json" });
    const link = Object.assign(document.createElement("a"), {
      href: URL.createObjectURL(blob),
      download: workFileName(this.pagename, pupil),
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  async open(file) {
    const { text } = this.page;
    if (!file) return;
    try {
      const notebook = JSON.parse(await file.text());
      const cells = this.cells.map((cell) => ({ key: cell.key, tags: [...cell.element.classList].filter((name) => name.startsWith("tag_")).map((name) => name.slice(4)) }));
      const restored = workToRestore(notebook, cells);
      restored.forEach(({ index, code }) => this.cells[index].setCode(code));
      for (const saved of notebook.metadata?.carnet?.exercises ?? []) {
        this.exercises.find((exercise) => exercise.data.number === saved.number)?.restore(saved);
      }
      this.message.textContent = text.workOpened.replace("{count}", restored.length);
    } catch {
      this.message.textContent = text.workNotNotebook.replace("{name}", file.name);
    }
    this.file.value = "";
  }
}

/**
 * The page's checked exercises (each one's data follows its tests cell, after its answer cell),
 * and the work bar above the first. ``options``: {pagename, notebookURL}, see WorkBar.
 */
export function setUpExercises(markers, cells, page, options) {
  const before = (marker, tag) =>
    cells
      .filter((cell) => cell.element.classList.contains(tag))
      .filter((cell) => cell.element.compareDocumentPosition(marker) & Node.DOCUMENT_POSITION_FOLLOWING)
      .pop();
  const exercises = [];
  for (const marker of markers) {
    const answer = before(marker, "tag_exercise-answer");
    const tests = before(marker, "tag_exercise-tests");
    if (answer && tests) exercises.push(new Exercise(decodeExercise(marker.dataset.exercise), answer, tests, page));
  }
  if (exercises.length) new WorkBar(page, cells, exercises, options);
  return exercises;
}

/**
 * The exercise kind's part of the page (see carnet-live.js): on a page with exercises, their
 * controls. ``markers`` are what the kind's selector found (the data after each tests cell).
 */
export function setUp(page, markers, { settings, fromStatic }) {
  const notebookURL = settings.notebook ? fromStatic(settings.notebook) : "";
  return setUpExercises(markers, page.cells, page, { pagename: settings.pagename, notebookURL });
}
