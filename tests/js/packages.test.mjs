import assert from "node:assert/strict";
import { test } from "node:test";

import { missingPackages, packagesForImports } from "../../extensions/carnet/activities/code/browser/packages.mjs";

const LOCK = {
  numpy: { imports: ["numpy"] },
  matplotlib: { imports: ["matplotlib", "mpl_toolkits", "pylab"] },
  "python-dateutil": { imports: ["dateutil"] },
};

test("imports map to the lock file's packages", () => {
  assert.deepEqual(packagesForImports(["matplotlib", "os", "dateutil"], LOCK), ["matplotlib", "python-dateutil"]);
  assert.deepEqual(packagesForImports(["os", "math"], LOCK), []);
});

test("only packages that did not load are missing", () => {
  assert.deepEqual(missingPackages(["numpy", "matplotlib"], LOCK, { numpy: "default channel" }), ["matplotlib"]);
  assert.deepEqual(missingPackages(["numpy"], LOCK, { numpy: "default channel" }), []);
});
