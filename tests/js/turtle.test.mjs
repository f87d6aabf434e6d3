import assert from "node:assert/strict";
import { test } from "node:test";

import { TurtleScreen, commandModel } from "../../extensions/carnet/activities/turtle/browser/turtle.mjs";

/** A renderer that records what it was given, as basthon-turtle's render({model, el}) reads it. */
function recorder() {
  const seen = [];
  const renderer = {
    default: {
      render({ model, el }) {
        const view = { el, start: model.get("animation_start"), drawn: [...model.get("history")] };
        model.on("change:history", () => (view.drawn = [...model.get("history")]));
        seen.push(view);
      },
    },
  };
  return { seen, load: () => Promise.resolve(renderer) };
}

const element = () => ({ children: [], append(child) { this.children.push(child); } });
const area = () => ({ element: element(), drawings: {} });
const flush = () => new Promise((resolve) => setImmediate(resolve));

test("the model gives the renderer the history and tells it of each new command", () => {
  const model = commandModel([{ type: "init" }], 1);
  let changes = 0;
  model.on("change:history", () => changes++);
  model.push({ type: "move" });
  assert.equal(model.get("animation_start"), 1);
  assert.deepEqual(model.get("history"), [{ type: "init" }, { type: "move" }]);
  assert.equal(changes, 1);
});

test("each cell that draws shows the screen so far: earlier commands at once, its own animated", async () => {
  const { seen, load } = recorder();
  const screen = new TurtleScreen(load, () => ({}), () => {});
  const first = area();
  screen.draw(first, "init");
  screen.draw(first, "square");
  const second = area();
  screen.draw(second, "spiral");
  await flush();
  assert.equal(first.element.children.length, 1, "one canvas per cell run");
  assert.deepEqual(seen.map((view) => [view.start, view.drawn]), [
    [0, ["init", "square"]],
    [2, ["init", "square", "spiral"]],
  ]);
  screen.draw(second, "more");
  assert.deepEqual(seen[1].drawn.at(-1), "more", "commands after the renderer loaded reach it");
  assert.deepEqual(seen[0].drawn, ["init", "square"], "an earlier cell keeps the screen as its run left it");
});

test("a restarted Python starts a blank screen; a renderer that cannot load is reported", async () => {
  const failures = [];
  const screen = new TurtleScreen(() => Promise.reject(new Error("offline")), () => ({}), (el, error) =>
    failures.push(error.message),
  );
  screen.draw(area(), "init");
  screen.reset();
  assert.deepEqual(screen.commands, []);
  await flush();
  assert.deepEqual(failures, ["offline"]);
});
