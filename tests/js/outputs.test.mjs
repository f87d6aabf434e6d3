import assert from "node:assert/strict";
import { test } from "node:test";

import { bestMime, definesName, fitText, keepTail, latexForMathJax, tailOf } from "../../extensions/carnet/activities/code/browser/outputs.mjs";

test("the richest representation the page can show wins", () => {
  assert.equal(bestMime({ "text/plain": "x", "text/html": "<b>x</b>" }), "text/html");
  assert.equal(bestMime({ "text/plain": "x", "image/png": "iVBOR" }), "image/png");
  assert.equal(bestMime({ "text/plain": "x", "text/markdown": "**x**" }), "text/markdown");
  assert.equal(bestMime({ "text/plain": "x", "text/latex": "$x$" }), "text/latex");
  assert.equal(bestMime({ "text/plain": "x" }), "text/plain");
  assert.equal(bestMime({ "application/x-unknown": "?" }), null);
});

test("LaTeX gets the delimiters the book's MathJax reads", () => {
  assert.equal(latexForMathJax("$x^2$"), "\\(x^2\\)");
  assert.equal(latexForMathJax("$$\\int f$$"), "\\[\\int f\\]");
  assert.equal(latexForMathJax("a $x$ and $y$"), "a \\(x\\) and \\(y\\)");
  assert.equal(latexForMathJax("\\begin{equation}x\\end{equation}"), "\\begin{equation}x\\end{equation}");
  assert.equal(latexForMathJax("costs 5\\$"), "costs 5\\$");
});

test("text beyond the shown budget is held back, not lost", () => {
  assert.deepEqual(fitText(0, "abc", 5), ["abc", ""]);
  assert.deepEqual(fitText(3, "abcd", 5), ["ab", "cd"]);
  assert.deepEqual(fitText(9, "abc", 5), ["", "abc"]);
});

test("a NameError's name is found where an earlier cell gives it a value", () => {
  for (const code of ["x = 21", "a, x = 1, 2", "def x():\n    pass", "for x in range(3):\n    pass", "import math as x", "from m import x", "n: int = 1\nx += 1\nx = 2"]) {
    assert.ok(definesName(code, "x"), code);
  }
  for (const code of ["print(x)", "x == 2", "xx = 1", "y = x", "f(x=1)"]) {
    assert.equal(definesName(code, "x"), false, code);
  }
});

test("held output keeps its end within the limit: a printing loop never fills the memory", () => {
  const held = [["stdout", "abc"], ["stderr", "de"], ["stdout", "fgh"]];
  assert.equal(keepTail(held, 4), 4);
  assert.deepEqual(held, [["stderr", "e"], ["stdout", "fgh"]]);
  assert.equal(keepTail(held, 10), 0, "nothing dropped under the limit");
  assert.deepEqual(held, [["stderr", "e"], ["stdout", "fgh"]]);
});

test("the tail of a held output is its last characters, from a whole line, stream by stream", () => {
  const held = [["stdout", "ligne 1\nligne 2\n"], ["stderr", "oups\n"], ["stdout", "ligne 3\n"]];
  assert.deepEqual(tailOf(held, 1000), [
    { name: "stdout", text: "ligne 1\nligne 2\n" },
    { name: "stderr", text: "oups\n" },
    { name: "stdout", text: "ligne 3\n" },
  ]);
  assert.deepEqual(tailOf(held, 16), [{ name: "stderr", text: "oups\n" }, { name: "stdout", text: "ligne 3\n" }]);
  assert.deepEqual(tailOf(held, 15), [{ name: "stderr", text: "oups\n" }, { name: "stdout", text: "ligne 3\n" }]);
  assert.deepEqual(tailOf(held, 10), [{ name: "stdout", text: "ligne 3\n" }], "no half line of stderr");
  assert.deepEqual(tailOf([["stdout", "x".repeat(50)]], 5), [{ name: "stdout", text: "xxxxx" }], "one endless line: its end");
  assert.deepEqual(tailOf([], 5), []);
});
