// A reader's edits, kept in the browser and keyed by the cell's original source (hashed), not by its
// position: when the author inserts a cell, every edit still belongs to the cell it was made in.
// Identical cells on one page are told apart by their order among themselves.

/** A short, stable hash of a text (53-bit cyrb53), as 14 hexadecimal digits. */
export function hashSource(text) {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

/** The storage key of each cell of a page, from the cells' original sources in page order. */
export function editKeys(pathname, sources) {
  const seen = new Map();
  return sources.map((source) => {
    const hash = hashSource(source);
    const occurrence = seen.get(hash) ?? 0;
    seen.set(hash, occurrence + 1);
    return `carnet:v2:${pathname}:${hash}:${occurrence}`;
  });
}

/** Edits in a Storage (localStorage, or null when the browser refuses it): storage may lose edits, never the page. */
export class EditStore {
  constructor(storage) {
    this.storage = storage ?? {
      getItem: () => null,
      setItem() {},
      removeItem() {},
    };
  }

  /** The reader's code for a cell, or null when they have not changed it. */
  load(key) {
    try {
      return this.storage.getItem(key);
    } catch {
      return null;
    }
  }

  /** Keep the reader's code; the original code is not stored (it is the page's). */
  save(key, code, original) {
    try {
      if (code === original) this.storage.removeItem(key);
      else this.storage.setItem(key, code);
    } catch {
      // Private browsing or a full quota: the edit lives as long as the page.
    }
  }
}
