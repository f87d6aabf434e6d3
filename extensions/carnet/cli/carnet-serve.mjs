// Carnet: added by `carnet serve` to the pages it serves (it serves this file itself; built pages never load it).
// Every second the page asks for the last build's status ({build, error}): a new build that succeeded
// reloads the page; while the last build failed, a banner says so with its first error, the page
// keeping the last build that succeeded. The words come translated in data- attributes of the tag;
// the error is put in the page as text, never as HTML.

const tag = document.querySelector("script[data-carnet-serve]");
const words = tag.dataset;
const BANNER = "carnet-serve-failed";
let seen = null; // the build this page last heard of
let closed = null; // the failed build whose banner the reader closed

function element(name, text, style) {
  const node = document.createElement(name);
  node.textContent = text;
  node.style.cssText = style;
  return node;
}

function banner(status) {
  const box = element("div", "", "position:fixed;top:0;left:0;right:0;z-index:10000;box-sizing:border-box;max-height:45vh;overflow:auto;padding:.75rem 3.25rem .75rem 1rem;background:#fdecea;color:#5f1410;border-bottom:3px solid #b3261e;font:15px/1.45 system-ui,sans-serif;text-align:left");
  box.id = BANNER;
  box.dataset.build = status.build;
  box.setAttribute("role", "alert");
  const close = element("button", "×", "position:absolute;top:.25rem;right:.25rem;width:2.75rem;height:2.75rem;border:0;background:none;color:inherit;font-size:1.6rem;cursor:pointer");
  close.type = "button";
  close.setAttribute("aria-label", words.close);
  close.title = words.close;
  close.addEventListener("click", () => { closed = status.build; box.remove(); });
  box.append(
    element("strong", words.heading, "display:block;font-size:1.05rem"),
    element("code", status.error, "display:block;margin:.35rem 0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.4 ui-monospace,monospace"),
    element("span", words.kept, ""),
    close,
  );
  return box;
}

function show(status) {
  const shown = document.getElementById(BANNER);
  if (shown?.dataset.build === String(status.build)) return;
  shown?.remove();
  if (status.error !== null && status.build !== closed) document.body.append(banner(status));
}

async function poll() {
  try {
    const status = await (await fetch(words.carnetServe, { cache: "no-store" })).json();
    if (seen !== null && status.build !== seen && status.error === null) {
      location.reload();
      return;
    }
    seen = status.build;
    show(status);
  } catch {
    // The server is restarting, or stopped: ask again in a second.
  }
}

poll();
setInterval(poll, 1000);
