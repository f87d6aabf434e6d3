import assert from "node:assert/strict";
import { test } from "node:test";

import { openSeal } from "../../extensions/carnet/activities/exercise/browser/sealed.mjs";

test("a seal written by the build (carnet.core.seal.seal) opens to its text, accents included", () => {
  // seal("return longueur * largeur  # é ✓\n", "content/aire") in Python.
  const sealed = "Mmg7XRP3W4n5A2SYij5CkUANTyhhmXvllm0D7e9LMLEYSFc8YZA+/IsjRLuq/eux0PSoVw==";
  assert.equal(openSeal(sealed), "return longueur * largeur  # é ✓\n");
});

test("the sealed text is not readable from its base64", () => {
  const sealed = "Mmg7XRP3W4n5A2SYij5CkUANTyhhmXvllm0D7e9LMLEYSFc8YZA+/IsjRLuq/eux0PSoVw==";
  assert.doesNotMatch(atob(sealed), /longueur/);
});
