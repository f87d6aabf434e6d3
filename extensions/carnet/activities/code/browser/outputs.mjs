// What a cell shows under it: text as it streams, tracebacks, and rich outputs (HTML, SVG, PNG/JPEG,
// Markdown, LaTeX), one representation per output, the richest the page can show, as in Jupyter.

import { button } from "./cell.mjs";

// The styles of outputs come with their renderers (Node's tests have no document).
globalThis.document?.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("outputs.css", import.meta.url).href }));

/** Representations in the order a page prefers them. */
export const MIME_ORDER = [
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "text/markdown",
  "text/latex",
  "text/plain",
];

/** The representation of a MIME bundle to show, or null when it has none the page knows. */
export function bestMime(bundle) {
  return MIME_ORDER.find((mime) => typeof bundle[mime] === "string") ?? null;
}

/** LaTeX as Jupyter writes it ($…$, $$…$$), with the delimiters the book's MathJax reads (\(…\), \[…\]). */
export function latexForMathJax(text) {
  return text
    .replace(/\$\$([\s\S]+?)\$\$/g, (_, math) => `\\[${math}\\]`)
    .replace(/(^|[^\\])\$([^$\n]+?)\$/g, (_, before, math) => `${before}\\(${math}\\)`);
}

/** Classes that make the book's MathJax typeset an element inside the page (Sphinx ignores the rest). */
const MATH_CLASSES = ["tex2jax_process", "mathjax_process"];

/** Whether ``code`` gives ``name`` a value (assignment, def, class, for, import): the NameError's cure. */
export function definesName(code, name) {
  const id = name.replace(/[^\w]/g, "");
  const binding = String.raw`(^|\n)[ \t]*((def|class)[ \t]+${id}\b|for[ \t]+([\w, ]*\b)?${id}\b|(import|from)[^\n]*\b${id}\b|([\w, ]*\b)?${id}\b[\w, ]*(:[^=\n]*)?=(?!=))`;
  return Boolean(id) && new RegExp(binding).test(code);
}

/** A stream taller than its box (outputs.css) scrolls, and can be scrolled from the keyboard. */
function scrollable(pre) {
  if (pre.tabIndex < 0 && pre.scrollHeight > pre.clientHeight) pre.tabIndex = 0;
}

/** Characters of text a cell shows before the rest waits behind a "show all" button. */
export const SHOWN_CHARACTERS = 20_000;

/** The part of ``text`` that still fits when ``shown`` characters are shown, and the rest. */
export function fitText(shown, text, limit = SHOWN_CHARACTERS) {
  const room = Math.max(limit - shown, 0);
  return [text.slice(0, room), text.slice(room)];
}

/** Characters of held (not shown) text kept for "show all": a printing loop never fills the memory. */
export const HELD_CHARACTERS = 2_000_000;

/**
 * Drop the oldest of ``held`` ([stream, text] pairs, changed in place) beyond ``limit`` characters;
 * returns how many characters were dropped (the end of an output matters most: it is kept).
 */
export function keepTail(held, limit = HELD_CHARACTERS) {
  let excess = held.reduce((sum, [, text]) => sum + text.length, 0) - limit;
  let dropped = 0;
  while (excess > 0) {
    const [name, text] = held[0];
    const cut = Math.min(excess, text.length);
    if (cut === text.length) held.shift();
    else held[0] = [name, text.slice(cut)];
    excess -= cut;
    dropped += cut;
  }
  return dropped;
}

/** Characters of the end of a held output shown under the note: the last value printed stays visible. */
export const TAIL_CHARACTERS = 2_000;

/**
 * The last ``limit`` characters of ``held`` ([stream, text] pairs), as blocks of one stream each,
 * starting at a whole line when the cut falls inside one (a line cut in two reads as a bug).
 */
export function tailOf(held, limit = TAIL_CHARACTERS) {
  const blocks = [];
  let room = limit;
  for (let index = held.length - 1; index >= 0 && room > 0; index--) {
    const [name, text] = held[index];
    let part = text.length > room ? text.slice(text.length - room) : text;
    room -= part.length;
    const midLine = part.length < text.length && text[text.length - part.length - 1] !== "\n";
    if (midLine && part.includes("\n")) part = part.slice(part.indexOf("\n") + 1);
    if (!part) break;
    if (blocks[0]?.name === name) blocks[0].text = part + blocks[0].text;
    else blocks.unshift({ name, text: part });
  }
  return blocks;
}

/** A ``pre`` for one stream's text (stdout or stderr). */
function streamBlock(name, text, extra = "") {
  const pre = document.createElement("pre");
  pre.className = `carnet-stream carnet-stream-${name}${extra}`;
  pre.textContent = text;
  return pre;
}

/**
 * Shows outputs in one cell's output area.
 * ``rich`` provides the lazily loaded renderers: markdown(text) → Promise<html>, typeset(element) → Promise,
 * draw(kind, area, payload) → whether another kind of activity drew the output (turtle …, see carnet-live.js).
 * ``text`` holds the translated messages (truncated, showAll).
 */
export class OutputArea {
  constructor(element, rich, text) {
    this.element = element;
    this.rich = rich;
    this.messages = text;
    this.clear();
  }

  clear() {
    this.element.replaceChildren();
    this.shown = 0; // characters of text shown
    this.held = []; // [stream, text] not shown yet: a flood of output never freezes the page
    this.heldCount = 0; // characters not shown (held or dropped)
    this.dropped = 0; // characters of held text dropped (see keepTail)
    this.note = null;
    this.tail = null; // the end of the held text, under the note
    this.drawings = {}; // what other kinds drew in this run, by kind (the turtle's canvas model …)
  }

  add(kind, payload) {
    if (kind === "stream") this.stream(payload.name, payload.text);
    else if (kind === "error") this.error(payload);
    else if (this.rich.draw?.(kind, this, payload)) return;
    else this.element.append(this.bundle(payload, kind));
  }

  /** Text written to stdout or stderr; past SHOWN_CHARACTERS it is held behind a note. */
  stream(name, text) {
    const [visible, rest] = fitText(this.shown, text);
    if (visible) this.appendStream(name, visible);
    this.shown += visible.length;
    if (rest) this.hold(name, rest);
  }

  hold(name, text) {
    this.held.push([name, text]);
    this.heldCount += text.length;
    if (this.heldCount - this.dropped > HELD_CHARACTERS) this.dropped += keepTail(this.held);
    if (!this.note) {
      this.note = document.createElement("div");
      this.note.className = "carnet-truncated";
      const message = document.createElement("span");
      const all = document.createElement("button");
      all.type = "button";
      all.className = "carnet-button carnet-show-all";
      all.textContent = this.messages.showAll;
      all.addEventListener("click", () => this.showAll());
      this.note.append(message, " ", all);
      this.tail = Object.assign(document.createElement("div"), { className: "carnet-output-tail" });
      this.element.append(this.note, this.tail);
    }
    const tail = tailOf(this.held);
    this.tail.replaceChildren(...tail.map(({ name, text }) => streamBlock(name, text, " carnet-stream-tail")));
    const hidden = this.heldCount - tail.reduce((sum, block) => sum + block.text.length, 0);
    this.note.firstChild.textContent = this.messages.truncated.replace("{count}", hidden.toLocaleString());
  }

  /** Show every held line where the note was (the reader asked for it). */
  showAll() {
    const blocks = [];
    for (const [name, text] of this.held) {
      const last = blocks.at(-1);
      if (last?.name === name) last.text += text;
      else blocks.push({ name, text });
    }
    const omitted = Object.assign(document.createElement("p"), {
      className: "carnet-truncated",
      textContent: this.messages.omitted.replace("{count}", this.dropped.toLocaleString()),
    });
    this.tail.remove();
    this.note.replaceWith(...(this.dropped ? [omitted] : []), ...blocks.map(({ name, text }) => streamBlock(name, text)));
    this.element.querySelectorAll("pre.carnet-stream").forEach(scrollable);
    this.held = [];
    this.heldCount = 0;
    this.dropped = 0;
    this.note = null;
    this.tail = null;
  }

  appendStream(name, text) {
    let last = this.element.lastElementChild;
    if (!last || !last.classList.contains(`carnet-stream-${name}`)) {
      last = streamBlock(name, "");
      this.element.append(last);
    }
    const following = last.scrollTop + last.clientHeight >= last.scrollHeight - 2; // the reader is at its end
    last.textContent += text;
    scrollable(last);
    if (following) last.scrollTop = last.scrollHeight;
  }

  /**
   * An error: its traceback, one plain sentence for the common errors, and for a name an earlier
   * cell defines, a button running the cells above (``rich.runAbove(name)``: a function, or null).
   */
  error({ traceback, ename, name }) {
    this.text(traceback, "carnet-error");
    const hint = this.messages[`hint${ename}`];
    if (!hint) return;
    const note = document.createElement("p");
    note.className = "carnet-error-hint";
    note.textContent = hint;
    const runAbove = name ? this.rich.runAbove?.(name) : null;
    if (runAbove) note.append(" ", button(this.messages.errorRunAbove.replace("{name}", name), "", runAbove, "carnet-run-above-fix"));
    this.element.append(note);
  }

  /** Ask the reader for input() under the cell; resolves their answer (Enter or the button). */
  ask(prompt) {
    const form = document.createElement("form");
    form.className = "carnet-input";
    const field = Object.assign(document.createElement("input"), { type: "text", autocomplete: "off" });
    field.setAttribute("aria-label", prompt || this.messages.inputLabel);
    form.append(field, Object.assign(document.createElement("button"), { type: "submit", className: "carnet-button", textContent: this.messages.inputSend }));
    this.element.append(form);
    field.focus();
    return new Promise((resolve) =>
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        form.remove();
        resolve(field.value);
      }),
    );
  }

  /** A failure of the runtime (not of the cell's code); ``retry`` runs the cell again after a failed start. */
  runtimeFailure(error, retry) {
    const message = error.kind === "start" ? `${this.messages.startFailed}\n${error.message}` : error.message;
    const note = this.text(message, "carnet-error carnet-runtime-failure");
    if (error.kind === "start") note.after(button(this.messages.retry, this.messages.retryTitle, retry, "carnet-retry"));
  }

  /** A block of plain text (a message or a traceback). */
  text(message, className) {
    const pre = document.createElement("pre");
    pre.className = className;
    pre.textContent = message;
    this.element.append(pre);
    return pre;
  }

  bundle(bundle, kind) {
    const box = document.createElement("div");
    box.className = `carnet-${kind}`;
    const mime = bestMime(bundle);
    const data = mime && bundle[mime];
    if (mime === "text/html" || mime === "image/svg+xml") {
      box.innerHTML = data;
    } else if (mime === "image/png" || mime === "image/jpeg") {
      const image = document.createElement("img");
      image.src = `data:${mime};base64,${data}`;
      image.alt = bundle["text/plain"] || "";
      box.append(image);
    } else if (mime === "text/markdown") {
      box.classList.add("carnet-markdown", ...MATH_CLASSES);
      box.textContent = data; // shown at once, replaced when the renderer has loaded
      this.rich
        .markdown(data)
        .then((html) => {
          box.innerHTML = html;
          return this.rich.typeset(box);
        })
        .catch(() => {});
    } else if (mime === "text/latex") {
      box.classList.add("carnet-latex", ...MATH_CLASSES);
      box.textContent = latexForMathJax(data);
      this.rich.typeset(box).catch(() => {});
    } else if (mime === "text/plain") {
      const pre = document.createElement("pre");
      pre.textContent = data;
      box.append(pre);
    }
    return box;
  }
}
