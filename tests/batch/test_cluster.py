"""Cards made on a real Dask cluster (worker processes on the loopback interface): the same
bytes as the local processes make, and every card even when a worker is killed mid-batch."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import distributed  # the [test] extra installs it
import pytest

from reportgen.batch import build_batch

pytestmark = pytest.mark.slow  # starts a cluster and lays out cards

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "schede-obiettivi-2024"
UNITS = ["dc_risorse_umane", "dr_abruzzo", "dr_basilicata"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local


def test_cluster_cards_are_the_bytes_of_local_cards(cluster, tmp_path):
    local = build_batch(SAMPLE, tmp_path / "local", "pdf,pptx", only=",".join(UNITS), jobs=2, cache=False)
    remote = build_batch(SAMPLE, tmp_path / "dask", "pdf,pptx", only=",".join(UNITS), cache=False,
                         cluster=cluster.scheduler_address)
    assert not local.failed and not remote.failed and sorted(remote.made) == sorted(UNITS)
    names = [p.relative_to(tmp_path / "local") for p in local.outputs]
    assert names == [p.relative_to(tmp_path / "dask") for p in remote.outputs]
    for name in names:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


class KillAWorker:
    def __init__(self, pids: list[int]):
        self.pids, self.killed = pids, []

    def stage(self, name, total=None):
        pass

    def done(self, name):
        pass

    def advance(self, name, amount=1):
        if not self.killed:
            os.kill(self.pids[0], signal.SIGKILL)
            self.killed.append(self.pids[0])


def test_a_killed_worker_has_its_cards_made_elsewhere(cluster, tmp_path):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = sorted(client.run(os.getpid).values())
    units = UNITS + ["dr_calabria", "dr_campania"]
    progress = KillAWorker(pids)
    result = build_batch(SAMPLE, tmp_path, "pdf", only=",".join(units), cache=False,
                         cluster=cluster.scheduler_address, progress=progress)
    assert progress.killed and not result.failed and sorted(result.made) == sorted(units)
    assert all((tmp_path / "schede-obiettivi-2024" / f"{u}.pdf").exists() for u in units)


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path):
    from reportgen.errors import InputError

    with pytest.raises(InputError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        build_batch(SAMPLE, tmp_path, "pdf", only="dr_abruzzo", cluster="tcp://127.0.0.1:9")
