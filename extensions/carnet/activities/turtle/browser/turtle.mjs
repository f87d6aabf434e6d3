// The page's turtle screen. Python has one screen per page, so each cell that draws shows the screen
// as it stands when the cell ends: what earlier cells drew at once, the cell's own commands animated
// (as the book shows it, see carnet_turtle.py). The drawing itself is basthon-turtle's renderer
// (notebook.mjs, an anywidget-style render({model, el})) hosted with the runtime and loaded on first
// use; this module gives it a model fed by the commands the worker sends.

/** The model a basthon-turtle renderer reads: the commands so far, the first ``start`` drawn at once. */
export function commandModel(history, start) {
  const listeners = new Set();
  return {
    get: (name) => (name === "history" ? history : name === "animation_start" ? start : undefined),
    on: (event, listener) => listeners.add(listener),
    off: (event, listener) => listeners.delete(listener),
    send: () => {}, // mouse and key events need a program waiting for them; a cell has ended by then
    push(command) {
      history.push(command);
      listeners.forEach((listener) => listener());
    },
  };
}

export class TurtleScreen {
  /**
   * ``loadRenderer()`` resolves to basthon-turtle's module; ``createElement()`` makes a canvas's
   * container; ``failed(element, error)`` shows why the renderer could not load.
   */
  constructor(loadRenderer, createElement, failed) {
    this.loadRenderer = loadRenderer;
    this.createElement = createElement;
    this.failed = failed;
    this.reset();
  }

  /** Python restarted: the screen is blank again. */
  reset() {
    this.commands = [];
  }

  /** A drawing command sent while the cell of output area ``area`` runs: drawn under that cell. */
  draw(area, command) {
    area.drawings.turtle ??= this.canvas(area.element);
    area.drawings.turtle.push(command);
    this.commands.push(command);
  }

  canvas(parent) {
    const element = this.createElement();
    parent.append(element);
    const model = commandModel([...this.commands], this.commands.length);
    this.loadRenderer().then(
      (renderer) => renderer.default.render({ model, el: element }),
      (error) => this.failed(element, error),
    );
    return model;
  }
}

/** basthon-turtle's renderer, in the runtime's folder (see carnet/activities/turtle/assets.py). */
export const RENDERER_PATH = "basthon-turtle/notebook.mjs";

/**
 * The turtle kind's part of the page (see carnet-live.js): one screen per page, drawing the
 * worker's ``turtle`` outputs, blank again when Python stops.
 */
export function outputDrawer({ settings, text, fromStatic }) {
  const container = () => Object.assign(document.createElement("div"), { className: "carnet-turtle" });
  const failed = (element, error) => (element.textContent = `${text.startFailed}\n${error.message}`);
  const renderer = new URL(RENDERER_PATH, fromStatic(settings.pyodide)).href;
  const screen = new TurtleScreen(() => import(renderer), container, failed);
  return { draw: (area, command) => screen.draw(area, command), reset: () => screen.reset() };
}
