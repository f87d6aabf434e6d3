"""Python's ``turtle``, in the book and in the page, drawn in SVG by basthon-turtle.

- :mod:`.carnet_turtle` is the one turtle module of both sides: sent to every build kernel
  (:attr:`KIND.kernel_setup`) and packed in the wheel the browser runtimes install;
- :mod:`.assets` downloads basthon-turtle, builds that wheel and takes out the SVG renderer.
"""

from pathlib import Path

from .. import ActivityKind

#: The turtle module of both sides (the build kernels run it; the runtimes' wheel packs it).
SOURCE = Path(__file__).with_name("carnet_turtle.py")
_KERNEL_SOURCE = SOURCE.read_text(encoding="utf-8") + "\nsetup_kernel()\n"

KIND = ActivityKind(
    "turtle",
    kernel_setup=f"exec(compile({_KERNEL_SOURCE!r}, 'carnet_turtle.py', 'exec'), {{'__name__': 'carnet_turtle'}})",
    page_module="turtle.mjs",
    outputs=("turtle",),
)
