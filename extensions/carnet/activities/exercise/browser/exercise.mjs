// Checked exercises in the page: the "Check" (Valider) button under a pupil's answer cell, the
// feedback, the attempt count, hints one at a time and the solution when the author's rules allow.
// The build writes each exercise's data after its tests cell (a div.carnet-exercise whose
// data-exercise is base64 JSON: number, setup, tests, hidden, solution, rules; see
// carnet/activities/exercise/page.py). The pure functions come first; the Exercise class is the DOM.

import { button, reveal } from "../../code/browser/cell.mjs";
import { openSeal, unsealElement } from "./sealed.mjs";
import { hashSource } from "../../code/browser/storage.mjs";

/** The exercise's data, from the base64 of its UTF-8 JSON; a pupils' edition seals solution and hidden tests. */
export function decodeExercise(base64) {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const data = JSON.parse(new TextDecoder().decode(bytes));
  if (!data.sealed) return data;
  return {
    ...data,
    solution: data.solution === null ? null : openSeal(data.solution),
    hidden: data.hidden ? openSeal(data.hidden) : "",
  };
}

/** Where an exercise's progress is kept: the page and its original answer and tests (not its position). */
export function exerciseKey(pathname, answer, tests) {
  return `carnet:v2:exercise:${pathname}:${hashSource(`${answer}\u0000${tests}`)}`;
}

/** How many earlier tries a pupil's progress remembers, to tell a new try from a repeated one. */
const REMEMBERED_TRIES = 100;

/**
 * What identifies a try: the code without trailing spaces nor blank lines at either end, hashed,
 * so that adding a space to the starter or to an earlier try is no new try.
 */
export function tryKey(code) {
  const lines = code.split("\n").map((line) => line.trimEnd());
  return hashSource(lines.join("\n").trim());
}

/** A pupil's progress on one exercise, as stored (missing or damaged storage: a fresh start). */
export function readProgress(stored) {
  const fresh = { attempts: 0, passed: false, solved: false, hints: 0, solution: false, tried: [] };
  try {
    const saved = JSON.parse(stored);
    if (saved && typeof saved === "object") {
      return {
        attempts: Number.isInteger(saved.attempts) && saved.attempts > 0 ? saved.attempts : 0,
        passed: saved.passed === true,
        solved: saved.solved === true,
        hints: Number.isInteger(saved.hints) && saved.hints > 0 ? saved.hints : 0,
        solution: saved.solution === true,
        tried: Array.isArray(saved.tried) ? saved.tried.filter((key) => typeof key === "string").slice(-REMEMBERED_TRIES) : [],
      };
    }
  } catch {
    // not JSON: start again
  }
  return fresh;
}

/**
 * What a verdict on this code is as a try: "setup" (the author's setup failed: not the pupil's try
 * at all), "starter" (untouched, or touched only in spaces), "repeat" (a code already checked) or "new".
 */
export function tryKind(progress, verdict, key, starterKey) {
  if (verdict.stage === "setup") return "setup";
  if (key === starterKey) return "starter";
  return progress.tried.includes(key) ? "repeat" : "new";
}

/**
 * The progress after a verdict on the code whose try key is `key`. Only a new try counts (pressing
 * Valider again on the same code must not unlock a solution); a failure of the author's setup is
 * not the pupil's try at all.
 */
export function afterVerdict(progress, verdict, key, starterKey) {
  const kind = tryKind(progress, verdict, key, starterKey);
  if (kind === "setup") return progress;
  const fresh = kind === "new";
  return {
    ...progress,
    attempts: fresh ? progress.attempts + 1 : progress.attempts,
    tried: fresh ? [...progress.tried, key].slice(-REMEMBERED_TRIES) : progress.tried,
    passed: verdict.passed,
    solved: progress.solved || verdict.passed,
  };
}

/** Whether the solution may be shown: rules {solution, attempts} from the author, the pupil's progress. */
export function solutionAllowed(rules, progress) {
  switch (rules.solution) {
    case "always":
      return true;
    case "on-success":
      return progress.solved;
    case "after-attempts":
      return progress.solved || progress.attempts >= rules.attempts;
    default:
      return false;
  }
}

const fill = (message, values) => message.replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);

/** What to tell the pupil of a verdict: {kind: "success" | "failure", message, line} in the book's language. */
export function feedback(verdict, text, gradedHidden = false) {
  // Hidden tests the teacher's grading runs, not the page: the success says so.
  if (verdict.passed) return { kind: "success", message: gradedHidden ? text.exerciseSuccessGraded : text.exerciseSuccess, line: "" };
  const values = { message: verdict.message || "", error: verdict.error || "" };
  const assertion = verdict.error === "AssertionError";
  let message;
  if (verdict.stage === "answer") message = text.exerciseAnswerFailed;
  else if (verdict.stage === "setup") message = fill(text.exerciseSetupFailed, values);
  else if (verdict.stage === "hidden") {
    message = verdict.message ? fill(text.exerciseHiddenFailedMessage, values) : text.exerciseHiddenFailed;
  } else if (assertion && verdict.message) message = fill(text.exerciseTestFailedMessage, values);
  else if (assertion) message = text.exerciseTestFailed;
  else message = fill(text.exerciseTestError, values);
  return { kind: "failure", message, line: verdict.line || "" };
}

/** Why a check did not count as a try, in the book's language ("" when it did). */
export function notCountedText(kind, text) {
  if (kind === "starter") return text.exerciseStarterNotCounted;
  return kind === "repeat" ? text.exerciseRepeatNotCounted : "";
}

/** "3 tries" in the book's language. */
export function attemptsText(count, text) {
  return count === 0 ? "" : fill(count === 1 ? text.exerciseAttempt : text.exerciseAttempts, { count });
}

/** One exercise of the page: its panel under the answer cell, wired to the page's runtime. */
export class Exercise {
  /**
   * @param data the decoded data-exercise
   * @param answer the LiveCell the pupil edits; tests: the LiveCell of its public tests
   * @param page what the cells share (text, python(), edits: a safe storage), see carnet-live.js
   */
  constructor(data, answer, tests, page) {
    this.data = data;
    this.answer = answer;
    this.page = page;
    this.key = exerciseKey(location.pathname, answer.original, tests.original);
    this.starterKey = tryKey(answer.original);
    this.progress = readProgress(page.edits.load(this.key));
    const text = page.text;
    // The answer's Run runs the hidden setup first, as the check does.
    answer.run = async () => {
      const result = await answer.execute(async (runtime, handlers) => {
        for (const code of data.setup) await runtime.run(code, "<préparation>");
        return runtime.run(answer.code, answer.filename, handlers);
      });
      return Boolean(result) && !result.error;
    };
    answer.element.classList.add("carnet-exercise-answer");
    this.hints = [...document.querySelectorAll(`.carnet-hint.carnet-for-${data.number}`)];
    this.writtenSolutions = [...document.querySelectorAll(`.carnet-solution.carnet-for-${data.number}`)];

    this.panel = document.createElement("div");
    this.panel.className = "carnet-exercise-panel";
    this.checkButton = button(text.exerciseCheck, text.exerciseCheckTitle, () => this.check(), "carnet-check");
    this.hintButton = button("", "", () => this.showHint(), "carnet-hint-button");
    this.solutionButton = button(text.exerciseShowSolution, "", () => this.showSolution(), "carnet-solution-button");
    this.attempts = Object.assign(document.createElement("span"), { className: "carnet-attempts" });
    const actions = Object.assign(document.createElement("div"), { className: "carnet-exercise-actions" });
    actions.append(this.checkButton, this.hintButton, this.solutionButton, this.attempts);
    this.message = Object.assign(document.createElement("div"), { className: "carnet-feedback" });
    this.message.setAttribute("role", "status");
    this.message.setAttribute("aria-live", "polite");
    this.solutionBox = Object.assign(document.createElement("div"), { className: "carnet-solution-code", hidden: true });
    this.panel.append(actions, this.message, this.solutionBox);
    answer.outputElement.after(this.panel);
    if (this.progress.passed) this.say(feedback({ passed: true }, text, this.data.gradedHidden));
    this.render();
  }

  save() {
    this.page.edits.save(this.key, JSON.stringify(this.progress), null);
  }

  render() {
    const { text } = this.page;
    const { hints, solution } = this.progress;
    this.hints.forEach((hint, index) => hint.classList.toggle("carnet-shown", index < hints));
    this.hintButton.hidden = hints >= this.hints.length;
    this.hintButton.textContent = fill(text.exerciseHint, { number: hints + 1, count: this.hints.length });
    const available = (this.data.solution !== null || this.writtenSolutions.length > 0) && solutionAllowed(this.data.rules, this.progress);
    this.solutionButton.hidden = !available || solution;
    for (const element of this.writtenSolutions) {
      if (available && solution) unsealElement(element);
      element.classList.toggle("carnet-shown", available && solution);
    }
    this.solutionBox.hidden = !(available && solution && this.data.solution !== null);
    if (!this.solutionBox.hidden && !this.solutionBox.firstChild) {
      const title = Object.assign(document.createElement("p"), { className: "carnet-solution-title", textContent: text.exerciseSolution });
      const code = Object.assign(document.createElement("pre"), { textContent: this.data.solution });
      this.solutionBox.append(title, code);
    }
    this.attempts.textContent = attemptsText(this.progress.attempts, text);
    this.panel.classList.toggle("carnet-solved", this.progress.passed);
  }

  say({ kind, message, line }, note = "") {
    this.message.replaceChildren();
    this.message.className = `carnet-feedback carnet-feedback-${kind}`;
    this.message.append(Object.assign(document.createElement("p"), { textContent: message }));
    if (note) this.message.append(Object.assign(document.createElement("p"), { className: "carnet-not-counted", textContent: note }));
    if (line) {
      const code = Object.assign(document.createElement("code"), { textContent: line });
      const where = Object.assign(document.createElement("p"), { className: "carnet-failed-check", textContent: `${this.page.text.exerciseFailedCheck} ` });
      where.append(code);
      this.message.append(where);
    }
  }

  /** Take the progress saved in a pupil's notebook ("Ouvrir mon travail"). */
  restore(saved) {
    this.progress = readProgress(JSON.stringify(saved));
    this.save();
    this.message.replaceChildren();
    if (this.progress.passed) this.say(feedback({ passed: true }, this.page.text, this.data.gradedHidden));
    this.render();
  }

  showHint() {
    this.progress = { ...this.progress, hints: Math.min(this.progress.hints + 1, this.hints.length) };
    this.save();
    this.render();
    this.hints[this.progress.hints - 1]?.scrollIntoView({ block: "nearest" });
  }

  showSolution() {
    this.progress = { ...this.progress, solution: true };
    this.save();
    this.render();
  }

  /** Run setup, the pupil's code and the tests; count the try if it is a new one; say what happened. */
  async check() {
    const { text } = this.page;
    this.checkButton.disabled = true;
    this.say({ kind: "pending", message: text.exerciseChecking, line: "" });
    const { setup, tests, hidden } = this.data;
    const key = tryKey(this.answer.code);
    const result = await this.answer.execute((runtime, handlers) =>
      // Resolves {verdict} (see carnet_check.py); the pupil's code sends its outputs as a run does.
      runtime.send({ type: "check", setup, code: this.answer.code, filename: this.answer.filename, tests, hidden }, handlers),
    );
    this.checkButton.disabled = false;
    if (!result?.verdict) {
      this.message.replaceChildren(); // the cell says why Python could not run it
      return;
    }
    const kind = tryKind(this.progress, result.verdict, key, this.starterKey);
    this.progress = afterVerdict(this.progress, result.verdict, key, this.starterKey);
    this.save();
    this.say(feedback(result.verdict, text, this.data.gradedHidden), notCountedText(kind, text));
    this.render();
    reveal(this.panel);
  }
}
