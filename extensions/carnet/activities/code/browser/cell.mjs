// One live code cell: its controls, its code (a <pre> until the editor loads), its output area.
// Nothing here imports the editor or the output renderers: they load with the reader's intent.

/**
 * A button of Carnet's controls: its visible ``label`` is its accessible name (WCAG 2.5.3), ``title``
 * its tooltip and description; ``className``: extra classes.
 */
export function button(label, title, action, className = "") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `carnet-button ${className}`.trim();
  element.textContent = label;
  if (title) element.title = title;
  element.addEventListener("click", action);
  return element;
}

/**
 * Scroll ``element`` into view if it is not, clear of the fixed Python bar: scrollIntoView honours
 * the page's scroll-padding, which pythonbar.css sets to the bar's height (feedback under Valider
 * or an output at the bottom of a phone's screen would otherwise appear under it).
 */
export function reveal(element) {
  element.scrollIntoView({ block: "nearest" });
}

export class LiveCell {
  /**
   * @param page what the cells share: text (translated messages), python() → Promise<RuntimeClient>,
   *   edits (EditStore), outputArea(element, cell) → Promise<OutputArea>, intent(), runUpTo(cell)
   */
  constructor(element, index, key, page) {
    this.element = element;
    this.index = index;
    this.key = key;
    this.page = page;
    this.pre = element.querySelector(".cell_input pre");
    this.original = this.pre.textContent.replace(/\n$/, "");
    this.editor = null;
    const text = page.text;
    element.classList.add("carnet-live");
    element.dataset.carnetCell = String(index + 1);

    // One Run button; the rest waits in a small menu (Python's state and Stop are the page's, in pythonbar.mjs).
    const bar = document.createElement("div");
    bar.className = "carnet-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", text.toolbar);
    this.runButton = button(text.run, text.runTitle, () => this.run(), "carnet-run");
    this.status = document.createElement("span");
    this.status.className = "carnet-status";
    this.status.setAttribute("aria-live", "polite");
    this.resetButton = button(text.reset, text.resetTitle, () => this.reset(), "carnet-reset");
    const menu = document.createElement("div");
    menu.className = "carnet-menu";
    menu.id = `carnet-menu-${index + 1}`;
    menu.append(button(text.runAbove, text.runAboveTitle, () => page.runUpTo(this), "carnet-run-above"), this.resetButton);
    const more = button("⋯", text.more, () => open(menu.hidden), "carnet-more");
    more.setAttribute("aria-label", text.more);
    more.setAttribute("aria-controls", menu.id);
    const open = (shown) => {
      menu.hidden = !shown;
      more.setAttribute("aria-expanded", String(shown));
    };
    open(false);
    menu.addEventListener("click", () => open(false));
    bar.addEventListener("focusout", (event) => bar.contains(event.relatedTarget) || open(false));
    bar.addEventListener("keydown", (event) => event.key === "Escape" && !menu.hidden && (open(false), more.focus()));
    bar.append(this.runButton, more, menu, this.status);
    element.querySelector(".cell_input").before(bar);
    this.outputElement = document.createElement("div");
    this.outputElement.className = "carnet-output";
    this.outputElement.hidden = true;
    element.querySelector(".cell_input").after(this.outputElement);
    // The output shown came from other code once the code is edited: said in words, not only dimmed.
    for (const output of [this.outputElement, element.querySelector(".cell_output")]) output?.setAttribute("data-stale", text.stale);

    const saved = page.edits.load(key);
    if (saved !== null && saved !== this.original) this.pre.textContent = saved;
    this.markModified();
    element.addEventListener("pointerenter", () => page.intent(), { once: true });
    element.addEventListener("focusin", () => page.intent(), { once: true });
    this.pre.tabIndex = 0;
    this.numberLines();
    this.pre.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        this.run();
      }
    });
  }

  /** Put the keyboard in the cell's code: the editor once it has loaded, else the <pre> it replaces. */
  focus() {
    (this.editor ?? this.pre).focus();
  }

  get code() {
    return this.editor ? this.editor.getValue() : this.pre.textContent.replace(/\n$/, "");
  }

  /** Turn the <pre> into an editor (``createEditor`` from editor.mjs, once CodeMirror has loaded). */
  upgrade(createEditor, CodeMirror) {
    if (this.editor) return;
    const focused = document.activeElement === this.pre; // a keyboard reader is on this cell: they stay there
    this.editor = createEditor(CodeMirror, this.pre, this.code, {
      run: () => this.run(),
      change: () => this.store(),
      label: this.page.text.editorLabel,
    });
    if (focused) this.editor.focus();
  }

  /** Number the lines of the <pre> as the editor will (no jump in look when it replaces it). */
  numberLines() {
    this.pre.dataset.lines = this.code.split("\n").map((_, line) => line + 1).join("\n");
  }

  store() {
    this.page.edits.save(this.key, this.code, this.original);
    this.markModified();
  }

  /** Show whether the code was changed, and whether the output under it came from other code (stale). */
  markModified() {
    const modified = this.code !== this.original;
    this.resetButton.hidden = !modified;
    this.element.classList.toggle("carnet-modified", modified);
    this.element.classList.toggle("carnet-stale", this.code !== (this.ranCode ?? this.original));
  }

  /** Put ``code`` in the cell, as if the reader had typed it (kept like an edit). */
  setCode(code) {
    if (this.editor) this.editor.setValue(code);
    else this.pre.textContent = code;
    this.numberLines();
    this.store();
  }

  reset() {
    this.setCode(this.original);
  }

  setStatus(message) {
    this.status.textContent = message;
  }

  /** The cell as the reader counts it ("cellule 4"), in Python's bar and its tracebacks. */
  get name() {
    return this.page.text.cellName.replace("{n}", this.index + 1);
  }

  get filename() {
    return `<${this.name}>`;
  }

  /** Highlight the line of the cell's code where the last run failed (none: clear it). */
  markLine(line) {
    if (this.marked) this.editor?.removeLineClass(this.marked, "wrap", "carnet-error-line");
    this.marked = line && this.editor?.addLineClass(line - 1, "wrap", "carnet-error-line");
  }

  /** Run the cell; resolves true when it ran without raising. */
  async run() {
    const result = await this.execute((runtime, handlers) => runtime.run(this.code, this.filename, handlers));
    return Boolean(result) && !result.error;
  }

  /**
   * Show the cell running while ``send(runtime, handlers)`` runs its code (a run, or an exercise's check)
   * with its outputs going under the cell. Resolves what ``send`` resolved, or null when Python
   * could not run it (the cell then says why).
   */
  async execute(send) {
    const { text } = this.page;
    this.page.intent();
    this.element.classList.add("carnet-running");
    let output, runtime;
    try {
      [output, runtime] = await Promise.all([this.page.outputArea(this.outputElement, this), this.page.python()]);
    } catch (error) {
      // The page's own modules could not load (offline): say so where the output goes.
      this.outputElement.hidden = false;
      this.outputElement.textContent = `${text.startFailed}\n${error.message}`;
      this.setStatus(text.startFailedShort);
      this.element.classList.remove("carnet-running");
      return null;
    }
    output.clear();
    this.markLine(null);
    this.ranCode = this.code;
    this.markModified();
    this.outputElement.hidden = false;
    this.element.querySelector(".cell_output")?.classList.add("carnet-replaced");
    this.setStatus(runtime.isReady ? text.running : text.starting);
    runtime.ready?.then(
      () => this.element.classList.contains("carnet-running") && this.setStatus(text.running),
      () => {}, // a failed start is shown by the run below
    );
    let result = null;
    try {
      result = await send(runtime, {
        label: this.name,
        output: (kind, payload) => {
          output.add(kind, payload);
          if (kind === "error" && payload.line) this.markLine(payload.line);
        },
        input: (prompt) => output.ask(prompt),
        packagesFailed: (packages) =>
          output.text(text.packageMissing.replace("{packages}", packages.join(", ")), "carnet-error carnet-missing-package"),
      });
      this.setStatus(result.error ? text.failed : "");
    } catch (error) {
      output.runtimeFailure(error, () => this.run());
      this.setStatus(error.kind === "start" ? text.startFailedShort : "");
    }
    this.element.classList.remove("carnet-running");
    if (!result?.verdict) reveal(this.outputElement); // an exercise reveals its feedback instead
    return result;
  }
}
