// Sealed parts of a pupil's page: what the author's rules reveal later (a solution, hidden tests,
// a written solution) is shipped XORed with a key and base64 encoded, so the page's source and a
// search of the site do not show it (carnet/activities/exercise/seal.py writes it; the README says what it stops).
// A written solution of a page without checked exercises is a <details>: opening it opens the seal.

const KEY_SIZE = 16;

/** What the build sealed: base64 of a 16-byte key, then of the UTF-8 text XORed with that key. */
export function openSeal(sealed) {
  const raw = Uint8Array.from(atob(sealed), (ch) => ch.charCodeAt(0));
  const key = raw.subarray(0, KEY_SIZE);
  const data = raw.subarray(KEY_SIZE).map((byte, index) => byte ^ key[index % KEY_SIZE]);
  return new TextDecoder().decode(data);
}

/** Put back the HTML sealed in ``element`` (a written solution), once. */
export function unsealElement(element) {
  const sealed = element.dataset.carnetSealed;
  if (sealed === undefined) return;
  element.innerHTML = openSeal(sealed);
  delete element.dataset.carnetSealed;
}

/** Written solutions outside checked exercises: opened with their <details>. */
export function wireSealedDetails(root) {
  for (const details of root.querySelectorAll("details.carnet-sealed-solution")) {
    details.addEventListener("toggle", () => {
      if (details.open) details.querySelectorAll("[data-carnet-sealed]").forEach(unsealElement);
    });
  }
}

if (typeof document !== "undefined") wireSealedDetails(document);
