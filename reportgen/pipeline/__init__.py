"""Stage 5, rendering: every requested output of one report, as fast as the machine allows.

The work is cut into pieces (each chart; the A4 and slide pages of each top-level section;
the front matter; the deck) that run in worker processes and are kept in the build cache
under a digest of everything they are made from. A piece whose inputs did not change is
not rendered again: editing one section's text lays out that section and reuses the rest.
The pieces of each PDF are merged into one document with continuous page numbers (the
contents' ones written over placeholders, :mod:`reportgen.render.contents`), one outline
and one structure tree.

:mod:`.workers` holds the process pool, :mod:`.tasks` the work sent to it, :mod:`.keys` the
pieces' cache keys, :mod:`.schedule` the order of the work, :mod:`.run` what waits on what
and :mod:`.assemble` how the pieces become one document.
"""

from .keys import HTML_LAYOUTS
from .run import STAGES, RenderedOutputs, render_outputs
from .workers import Workers, preload_for

__all__ = ["HTML_LAYOUTS", "STAGES", "RenderedOutputs", "Workers", "preload_for", "render_outputs"]
