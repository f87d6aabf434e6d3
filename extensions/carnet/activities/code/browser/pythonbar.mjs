// The page's Python in one place: its state (starting, with what it has downloaded; ready; running
// which cell; stopped), Stop and Restart. Cells keep one Run button each; loaded with the reader's intent.

import { button } from "./cell.mjs";

globalThis.document?.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("pythonbar.css", import.meta.url).href }));

/** Bytes as megabytes with one decimal, in the page's language (``3,2`` in French). */
export function megabytes(bytes, locale) {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / 1e6);
}

/** What the bar says: the state's sentence, and the download figures while Python starts ("" otherwise). */
export function stateText(state, detail, text, total, locale) {
  const sentence = {
    starting: text.pythonStarting,
    ready: text.pythonReady,
    running: text.pythonRunning.replace("{label}", detail.label ?? ""),
    stopped: text.pythonStopped,
    failed: text.startFailedShort,
  }[state];
  if (state !== "starting") return [sentence, ""];
  const loaded = megabytes(Math.min(detail.loaded ?? 0, total || Infinity), locale);
  const figures = total ? text.pythonDownloaded.replace("{total}", megabytes(total, locale)) : text.pythonDownloadedUnknown;
  return [sentence, figures.replace("{loaded}", loaded)];
}

export class PythonBar {
  /**
   * @param text the translated messages; ``total``: bytes Python downloads to start (0: unknown);
   * @param page stop() and restart() Python
   */
  constructor(text, total, page) {
    this.text = text;
    this.total = total;
    this.locale = document.documentElement.lang || undefined;
    this.element = Object.assign(document.createElement("div"), { className: "carnet-python" });
    this.element.setAttribute("role", "region");
    this.element.setAttribute("aria-label", text.python);
    this.sentence = Object.assign(document.createElement("span"), { className: "carnet-python-state" });
    this.sentence.setAttribute("role", "status"); // read out on each change of state, not of figures
    this.figures = Object.assign(document.createElement("span"), { className: "carnet-python-figures" });
    this.progress = Object.assign(document.createElement("progress"), { max: total || 1 });
    this.progress.setAttribute("aria-label", text.pythonStarting);
    this.stopButton = button(text.stop, text.stopTitle, () => page.stop(), "carnet-stop");
    this.restartButton = button(text.restart, text.restartTitle, () => page.restart(), "carnet-restart");
    this.element.append(this.sentence, this.progress, this.figures, this.stopButton, this.restartButton);
    document.body.append(this.element);
    // pythonbar.css keeps the bar's height clear at the bottom of the page (see reveal in cell.mjs).
    const root = document.documentElement;
    root.dataset.carnetPython = ""; // not a class: an element of the theme under it is not Carnet's
    new ResizeObserver(() => root.style.setProperty("--carnet-python-height", `${this.element.offsetHeight}px`)).observe(this.element);
  }

  show(state, detail = {}) {
    const [sentence, figures] = stateText(state, detail, this.text, this.total, this.locale);
    this.element.dataset.state = state;
    if (this.sentence.textContent !== sentence) this.sentence.textContent = sentence;
    this.figures.textContent = figures;
    this.progress.hidden = state !== "starting" || !this.total;
    this.progress.value = detail.loaded ?? 0;
    this.stopButton.hidden = state !== "running" && state !== "starting";
    this.restartButton.hidden = state === "starting";
  }
}
