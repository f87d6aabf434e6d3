// The code editor (CodeMirror 5, from its pinned npm package), loaded once the reader shows intent.

let loading = null;

const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta"]);

function addScript(src) {
  return new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = src;
    tag.onload = resolve;
    tag.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(tag);
  });
}

/** Load CodeMirror from ``base`` (its folder in _static/); resolves with window.CodeMirror. */
export function loadEditor(base) {
  if (!loading) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL("lib/codemirror.css", base).href;
    const own = Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("editor.css", import.meta.url).href });
    document.head.append(css, own); // Carnet's after CodeMirror's: the book's theme wins
    loading = addScript(new URL("lib/codemirror.js", base).href)
      .then(() => addScript(new URL("mode/python/python.js", base).href))
      .then(() => window.CodeMirror)
      .catch((error) => {
        loading = null; // a later intent tries again
        throw error;
      });
  }
  return loading;
}

/**
 * Replace a cell's <pre> by an editor holding ``value``; the callbacks run the cell and store edits.
 * Tab indents; Escape then Tab (or Shift+Tab) leaves the editor, so the keyboard is never trapped.
 */
export function createEditor(CodeMirror, pre, value, { run, change, label }) {
  let escaped = false;
  const editor = CodeMirror((node) => pre.replaceWith(node), {
    value,
    mode: "python",
    indentUnit: 4,
    lineNumbers: true,
    viewportMargin: Infinity,
    extraKeys: {
      "Shift-Enter": run,
      "Ctrl-Enter": run,
      Tab: "indentMore",
      "Shift-Tab": "indentLess",
    },
    screenReaderLabel: label,
  });
  editor.on("keydown", (cm, event) => {
    // After Escape, CodeMirror ignores Tab: the browser moves the focus on. Shift (for Shift+Tab)
    // and the other modifiers are keys of their own: they keep the Escape.
    if (event.key === "Tab" && escaped) event.codemirrorIgnore = true;
    else if (!MODIFIERS.has(event.key)) escaped = event.key === "Escape";
  });
  editor.on("blur", () => (escaped = false));
  editor.on("change", change);
  return editor;
}
