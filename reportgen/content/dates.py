"""The date every output prints."""

from __future__ import annotations

import datetime as _dt
import os

from ..load.config import ProjectConfig


def document_date(config: ProjectConfig) -> _dt.date:
    """The date written into every output: ``document_date`` or the approval date from
    report.yaml, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else 1 January of the year
    after the one reported on. Never the clock: the same inputs give the same bytes."""
    if config.document_date or config.approval.date:
        return config.document_date or config.approval.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC).date()
    return _dt.date(config.year + 1, 1, 1)
