import assert from "node:assert/strict";
import { test } from "node:test";

import { megabytes, stateText } from "../../extensions/carnet/activities/code/browser/pythonbar.mjs";

const text = {
  pythonStarting: "Démarrage de Python…",
  pythonDownloaded: "{loaded} / {total} Mo",
  pythonDownloadedUnknown: "{loaded} Mo",
  pythonReady: "Python est prêt",
  pythonRunning: "Python exécute : {label}",
  pythonStopped: "Python est arrêté",
  startFailedShort: "Python n'a pas pu démarrer.",
};

test("sizes are megabytes with one decimal in the page's language", () => {
  assert.equal(megabytes(3_240_000, "fr"), "3,2");
  assert.equal(megabytes(14_841_717, "en"), "14.8");
  assert.equal(megabytes(0, "fr"), "0,0");
});

test("while Python starts the bar says how much is downloaded, out of what when it is known", () => {
  assert.deepEqual(stateText("starting", { loaded: 3_240_000 }, text, 14_841_717, "fr"), ["Démarrage de Python…", "3,2 / 14,8 Mo"]);
  assert.deepEqual(stateText("starting", { loaded: 3_240_000 }, text, 0, "fr"), ["Démarrage de Python…", "3,2 Mo"]);
  // A download a little larger than announced (headers, a retry) never shows more than the total.
  assert.deepEqual(stateText("starting", { loaded: 15_000_000 }, text, 14_841_717, "fr")[1], "14,8 / 14,8 Mo");
});

test("other states are one sentence naming the running cell", () => {
  assert.deepEqual(stateText("running", { label: "cellule 4" }, text, 1, "fr"), ["Python exécute : cellule 4", ""]);
  assert.deepEqual(stateText("ready", {}, text, 1, "fr"), ["Python est prêt", ""]);
  assert.deepEqual(stateText("stopped", {}, text, 1, "fr"), ["Python est arrêté", ""]);
  assert.deepEqual(stateText("failed", {}, text, 1, "fr"), ["Python n'a pas pu démarrer.", ""]);
});
