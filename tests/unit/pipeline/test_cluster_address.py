"""``--cluster`` addresses and the checks made before any case is sent (issue 19)."""

from __future__ import annotations

import sys

import pytest

from orthofit.errors import OutputError, ValidationError
from orthofit.pipeline import cluster
from orthofit.pipeline.cluster import ClusterAddress, check_workers_see, parse_address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("local:2", ClusterAddress("local:2", 2)),
        ("local:1", ClusterAddress("local:1", 1)),
        ("tcp://10.0.0.5:8786", ClusterAddress("tcp://10.0.0.5:8786")),
        ("tls://scheduler.lab:8786", ClusterAddress("tls://scheduler.lab:8786")),
        ("tcp://[::1]:8786", ClusterAddress("tcp://[::1]:8786")),
    ],
)
def test_addresses(text, expected):
    where = parse_address(text)
    assert where == expected
    assert where.address == ("" if where.local_workers else text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("local:0", "from 1 to 256"),
        ("local:257", "from 1 to 256"),
        ("local:two", "not a cluster address"),
        ("10.0.0.5:8786", "not a cluster address"),
        ("tcp://", "not a cluster address"),
        ("tcp://a b", "not a cluster address"),
        ("tcp://127.0.0.1", "with its port"),  # Dask itself refuses an address without one
        ("tcp://127.0.0.1:70000", "not a cluster address"),
        ("tcp://a:b", "not a cluster address"),
        ("tcp://[::1:8786", "not a cluster address"),
        ("inproc://x", "not a cluster address"),  # within one process only: no use to a batch
        ("", "not a cluster address"),
    ],
)
def test_a_wrong_address_is_one_line_saying_what_to_give(text, says):
    with pytest.raises(ValidationError) as err:
        parse_address(text)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_without_dask_the_line_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(ValidationError, match=r"pip install 'orthofit\[cluster\]'"):
        cluster._dask()


class _Client:
    """A client whose workers see, or do not see, the probe file."""

    def __init__(self, sees: dict[str, bool]) -> None:
        self.sees = sees
        self.probe = ""

    def wait_for_workers(self, n: int, timeout: float) -> None:
        if not self.sees:
            raise TimeoutError

    def run(self, fn, probe: str) -> dict[str, bool]:
        self.probe = probe
        return {w: ok and fn(probe) for w, ok in self.sees.items()}


def test_every_worker_must_see_the_output_folder(tmp_path):
    ok = _Client({"tcp://a:1": True, "tcp://b:1": True})
    assert check_workers_see(ok, tmp_path) == 2
    assert ok.probe.startswith(str(tmp_path / ".orthofit-probe-"))
    assert list(tmp_path.iterdir()) == []  # the probe is gone
    with pytest.raises(OutputError, match=r"worker tcp://b:1 does not see the output folder .*shared folder"):
        check_workers_see(_Client({"tcp://a:1": True, "tcp://b:1": False}), tmp_path)
    with pytest.raises(OutputError, match="has no workers"):
        check_workers_see(_Client({}), tmp_path)
    assert list(tmp_path.iterdir()) == []
