"""One document per unit: a project whose report.yaml says ``repeat:`` is built once per row
of its table of units, each document from that unit's rows only (a tool on top of the build).

:mod:`.view` narrows a project to one unit, :mod:`.card` makes one unit's files (in a worker
process or on a Dask worker), :mod:`.executors` sends the cards to local processes or to a
``distributed`` scheduler, :mod:`.run` writes the cards, ``index.csv`` and the combined PDF.
"""

from .run import BatchResult, build_batch, is_repeated

__all__ = ["BatchResult", "build_batch", "is_repeated"]
