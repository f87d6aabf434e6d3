// Renderers for Markdown (marked, from its pinned npm package) and LaTeX (the book's MathJax),
// loaded only when a cell first shows such an output.

let markedLoading = null;
let mathjaxLoading = null;

/** Markdown → HTML with marked, loaded from ``url`` on first use. */
export function markdownRenderer(url) {
  return async (text) => {
    markedLoading ??= import(url).catch((error) => {
      markedLoading = null; // the next Markdown output tries again
      throw error;
    });
    const { marked } = await markedLoading;
    return marked.parse(text);
  };
}

/** Typeset the maths in an element with MathJax: the page's own, or the book's loaded from ``url``. */
export function typesetter(url) {
  return async (element) => {
    if (!window.MathJax?.typesetPromise) {
      mathjaxLoading ??= new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = url;
        tag.async = true;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.append(tag);
      })
        .then(() => window.MathJax.startup.promise)
        .catch((error) => {
          mathjaxLoading = null; // the next LaTeX output tries again
          throw error;
        });
      await mathjaxLoading;
    }
    await window.MathJax.typesetPromise([element]);
  };
}
