import assert from "node:assert/strict";
import { test } from "node:test";

import {
  afterVerdict,
  attemptsText,
  decodeExercise,
  exerciseKey,
  feedback,
  notCountedText,
  readProgress,
  solutionAllowed,
  tryKey,
  tryKind,
} from "../../extensions/carnet/activities/exercise/browser/exercise.mjs";

const text = {
  exerciseSuccess: "Bravo",
  exerciseAnswerFailed: "Votre code s'arrête sur une erreur",
  exerciseSetupFailed: "Préparation en échec ({message})",
  exerciseTestFailed: "Un test n'est pas réussi.",
  exerciseTestFailedMessage: "Un test n'est pas réussi : {message}",
  exerciseTestError: "Un test a provoqué une erreur : {message}",
  exerciseHiddenFailed: "Un test caché n'est pas réussi.",
  exerciseHiddenFailedMessage: "Un test caché : {message}",
  exerciseAttempt: "{count} essai",
  exerciseAttempts: "{count} essais",
  exerciseStarterNotCounted: "code de départ : ne compte pas",
  exerciseRepeatNotCounted: "déjà validé : ne compte pas",
};

test("the exercise's data decodes from base64 UTF-8 JSON", () => {
  const data = { number: 1, tests: "assert aire(2, 3) == 6, 'l’aire vaut 6 cm²'" };
  const encoded = Buffer.from(JSON.stringify(data), "utf8").toString("base64");
  assert.deepEqual(decodeExercise(encoded), data);
});

test("a pupils' edition's sealed solution and hidden tests open as the build wrote them", () => {
  // The base64 data-exercise the build writes (activities/exercise/page.py), sealed with carnet.activities.exercise.seal.
  const encoded =
    "eyJudW1iZXIiOiAxLCAic2V0dXAiOiBbXSwgInRlc3RzIjogImFzc2VydCBmKCkgPT0gMSIsICJoaWRkZW4iOiAiL0l6ZXN3dnhPV0VUMDJEN0Mzb0FmNTMvcmRaNWhSa0hPK05KMnpaSElFLzIiLCAic29sdXRpb24iOiAiOURjUFpwWTQrcVJkQ3Y5WE1xNHFJcEJTYVVid0VJS1piQ1BGWFJLT0NnS0dVbnNUNUZiYTNGYz0iLCAic2VhbGVkIjogdHJ1ZSwgImdyYWRlZEhpZGRlbiI6IGZhbHNlLCAicnVsZXMiOiB7InNvbHV0aW9uIjogImFsd2F5cyIsICJhdHRlbXB0cyI6IDN9fQ==";
  const data = decodeExercise(encoded);
  assert.equal(data.solution, "def f(x=1):\n    return x\n");
  assert.equal(data.hidden, "assert f(0) == 0\n");
  assert.equal(data.tests, "assert f() == 1");
});

test("a success says when the teacher's grading runs hidden tests the page does not", () => {
  const words = { ...text, exerciseSuccessGraded: "Bravo ; votre professeur passera des tests cachés" };
  assert.equal(feedback({ passed: true }, words).message, "Bravo");
  assert.equal(feedback({ passed: true }, words, true).message, "Bravo ; votre professeur passera des tests cachés");
});

test("progress starts fresh from nothing or from damaged storage, and keeps what is valid", () => {
  const fresh = { attempts: 0, passed: false, solved: false, hints: 0, solution: false, tried: [] };
  assert.deepEqual(readProgress(null), fresh);
  assert.deepEqual(readProgress("{not json"), fresh);
  assert.deepEqual(readProgress('{"attempts": -2, "hints": "x", "tried": "abc"}'), fresh);
  assert.deepEqual(readProgress('{"attempts": 3, "solved": true, "hints": 1, "tried": ["a", 2, "b"]}'), {
    ...fresh,
    attempts: 3,
    solved: true,
    hints: 1,
    tried: ["a", "b"],
  });
});

test("a try is a change: the starter and a code already checked do not count, a failed setup never does", () => {
  const starter = tryKey("def f():\n    ...\n");
  let progress = readProgress(null);
  progress = afterVerdict(progress, { passed: false, stage: "tests" }, tryKey("def f():\n    ...  \n\n"), starter);
  assert.equal(progress.attempts, 0, "the starter with spaces added is still the starter");
  progress = afterVerdict(progress, { passed: false, stage: "tests" }, tryKey("def f():\n    return 1\n"), starter);
  progress = afterVerdict(progress, { passed: false, stage: "tests" }, tryKey("def f():\n    return 1"), starter);
  progress = afterVerdict(progress, { passed: false, stage: "setup" }, tryKey("def f():\n    return 2\n"), starter);
  assert.equal(progress.attempts, 1);
  assert.equal(tryKind(progress, { stage: "tests" }, tryKey("def f():\n    return 1\n"), starter), "repeat");
  assert.equal(tryKind(progress, { stage: "tests" }, tryKey("def f():\n    return 2\n"), starter), "new", "a failed setup remembers nothing");
  progress = afterVerdict(progress, { passed: true }, tryKey("def f():\n    return 2\n"), starter);
  progress = afterVerdict(progress, { passed: false, stage: "answer" }, tryKey("def f(:"), starter);
  assert.deepEqual([progress.attempts, progress.passed, progress.solved], [3, false, true]);
  // Valider again on a code that passed: still passed, no new try.
  progress = afterVerdict(progress, { passed: true }, tryKey("def f():\n    return 2\n"), starter);
  assert.deepEqual([progress.attempts, progress.passed], [3, true]);
});

test("a check that does not count says why", () => {
  assert.equal(notCountedText("starter", text), "code de départ : ne compte pas");
  assert.equal(notCountedText("repeat", text), "déjà validé : ne compte pas");
  assert.equal(notCountedText("new", text), "");
});

test("the solution shows as the author's rules say", () => {
  const none = readProgress(null);
  const tried = { ...none, attempts: 2 };
  const solved = { ...none, attempts: 1, solved: true };
  const rule = (solution) => ({ solution, attempts: 2 });
  assert.deepEqual([none, tried, solved].map((p) => solutionAllowed(rule("always"), p)), [true, true, true]);
  assert.deepEqual([none, tried, solved].map((p) => solutionAllowed(rule("never"), p)), [false, false, false]);
  assert.deepEqual([none, tried, solved].map((p) => solutionAllowed(rule("on-success"), p)), [false, false, true]);
  assert.deepEqual([none, tried, solved].map((p) => solutionAllowed(rule("after-attempts"), p)), [false, true, true]);
});

test("feedback names the failing check and its message, never a hidden test's line", () => {
  assert.deepEqual(feedback({ passed: true }, text), { kind: "success", message: "Bravo", line: "" });
  const failed = { passed: false, stage: "tests", error: "AssertionError", message: "l'aire vaut 6", line: "assert aire(2, 3) == 6, \"l'aire vaut 6\"" };
  assert.deepEqual(feedback(failed, text), { kind: "failure", message: "Un test n'est pas réussi : l'aire vaut 6", line: failed.line });
  assert.equal(feedback({ ...failed, message: "" }, text).message, "Un test n'est pas réussi.");
  const crashed = { passed: false, stage: "tests", error: "NameError", message: "NameError: name 'aire' is not defined", line: "assert aire(1, 1) == 1" };
  assert.equal(feedback(crashed, text).message, "Un test a provoqué une erreur : NameError: name 'aire' is not defined");
  assert.deepEqual(feedback({ passed: false, stage: "hidden", error: "AssertionError", message: "", line: "" }, text), {
    kind: "failure",
    message: "Un test caché n'est pas réussi.",
    line: "",
  });
  assert.equal(feedback({ passed: false, stage: "hidden", message: "cas nul" }, text).message, "Un test caché : cas nul");
  assert.equal(feedback({ passed: false, stage: "answer" }, text).message, text.exerciseAnswerFailed);
  assert.equal(feedback({ passed: false, stage: "setup", message: "NameError: x" }, text).message, "Préparation en échec (NameError: x)");
});

test("attempts read in the book's language; the key follows the exercise's code, not its place", () => {
  assert.deepEqual([0, 1, 4].map((n) => attemptsText(n, text)), ["", "1 essai", "4 essais"]);
  assert.equal(exerciseKey("/p.html", "a = ...", "assert a"), exerciseKey("/p.html", "a = ...", "assert a"));
  assert.notEqual(exerciseKey("/p.html", "a = ...", "assert a"), exerciseKey("/p.html", "b = ...", "assert a"));
});
