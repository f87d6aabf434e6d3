import assert from "node:assert/strict";
import { test } from "node:test";

import { EditStore, editKeys, hashSource } from "../../extensions/carnet/activities/code/browser/storage.mjs";

test("a hash is stable, short and tells sources apart", () => {
  assert.equal(hashSource("x = 1"), hashSource("x = 1"));
  assert.notEqual(hashSource("x = 1"), hashSource("x = 2"));
  assert.match(hashSource(""), /^[0-9a-f]{14}$/);
});

test("an edit stays with its cell when the author inserts a cell above it", () => {
  const before = editKeys("/cours/page.html", ["a = 1", "print(a)"]);
  const after = editKeys("/cours/page.html", ["import math", "a = 1", "print(a)"]);
  assert.equal(after[1], before[0]);
  assert.equal(after[2], before[1]);
  assert.ok(!before.includes(after[0]));
});

test("identical cells of a page get distinct keys, and pages do not share keys", () => {
  const keys = editKeys("/p.html", ["x", "x", "y"]);
  assert.equal(new Set(keys).size, 3);
  assert.notEqual(editKeys("/q.html", ["x"])[0], keys[0]);
});

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

test("only edits are stored; going back to the original code forgets the edit", () => {
  const storage = new MemoryStorage();
  const edits = new EditStore(storage);
  edits.save("k", "x = 2", "x = 1");
  assert.equal(edits.load("k"), "x = 2");
  edits.save("k", "x = 1", "x = 1");
  assert.equal(edits.load("k"), null);
  assert.equal(storage.items.size, 0);
});

test("a browser that refuses storage loses edits, not the page", () => {
  const refusing = {
    getItem() {
      throw new Error("SecurityError");
    },
    setItem() {
      throw new Error("QuotaExceededError");
    },
    removeItem() {
      throw new Error("SecurityError");
    },
  };
  const edits = new EditStore(refusing);
  assert.equal(edits.load("k"), null);
  edits.save("k", "x", "y");
  edits.save("k", "y", "y");
});

test("without any storage (blocked by the browser), edits live with the page", () => {
  const edits = new EditStore(null);
  edits.save("k", "x", "y");
  assert.equal(edits.load("k"), null);
});
