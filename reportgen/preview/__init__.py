"""Live preview while drafting: ``reportgen preview PROJECT`` serves the report as HTML on
localhost, rebuilds it whenever a file of the project is saved, and the open page reloads by
itself, keeping the reader's place.

>>> from reportgen.preview import PreviewServer
>>> with PreviewServer("sample_data/relazione-2024", port=0) as server:
...     server.wait_for_build()
...     print(server.url)

The page is the HTML the A4 PDF is made from (``render_html(..., layout="pdf")``) plus a
screen stylesheet (``templates/preview/screen.css.j2``, overridable like every template):
chapters as sheets of A4 width with the PDF's text width, a sticky table of contents.

* :mod:`.watch` notices saves: a poll of the project folder every 0.3 s, linked folders
  never followed, at most 20000 entries a poll (past that the page says what is not watched).
* :mod:`.build` rebuilds: the project compiled again, only the charts whose content changed
  drawn (:class:`DrawnCharts`), problems of the project shown on the page with their
  file, row and column until fixed; a bug is shown and logged, and the server keeps running.
* :mod:`.page` assembles the page from template files (``templates/preview/``).
* :mod:`.server` answers HTTP: files from the assets and the project only, a
  Content-Security-Policy, only to loopback names (against DNS rebinding).
* :mod:`.live` runs it all: :class:`PreviewServer` and :func:`serve`.
"""

from __future__ import annotations

from .build import Build, Builder, DrawnCharts
from .live import PreviewError, PreviewServer, serve
from .page import UrlRewriter, inject, problems_page
from .server import is_loopback, safe_file
from .watch import Snapshot, Watcher, changed_files, snapshot

__all__ = ["Build", "Builder", "DrawnCharts", "PreviewError", "PreviewServer", "Snapshot", "UrlRewriter",
           "Watcher", "changed_files", "inject", "is_loopback", "problems_page", "safe_file", "serve", "snapshot"]
