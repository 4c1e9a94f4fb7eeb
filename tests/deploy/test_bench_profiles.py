"""The benchmark's profile summaries: a py-spy or Go profile is summed by the package that spent
the time, in cores, and FerretDB's time is split by wire command."""

from __future__ import annotations

import pytest

from benchmarks.profiles import go_package, python_package, read_pprof_top, read_py_spy

PY_SPY_RAW = """\
run (/usr/lib/python3.11/asyncio/runners.py:118);_run_once (/usr/lib/python3.11/asyncio/base_events.py:1922) 30
run (/usr/lib/python3.11/asyncio/runners.py:118);validate (/srv/.venv/lib/python3.11/site-packages/pydantic/main.py:600) 50
handle (/srv/services/workflow/src/motcua_workflow/handlers.py:40);decide (/srv/services/workflow/src/motcua_workflow/domain/case.py:12) 20
"""  # noqa: E501

PPROF_TOP = """\
File: ferretdb
Type: cpu
Duration: 10s, Total samples = 5s (50.00%)
      flat  flat%   sum%        cum   cum%
     2.00s 40.00% 40.00%      3.00s 60.00%  encoding/json.(*Decoder).readValue
  500ms 10.00% 50.00%      500ms 10.00%  runtime.memmove (inline)
     0.50s 10.00% 60.00%      0.80s 16.00%  github.com/FerretDB/FerretDB/internal/handler/sjson.unmarshalSingleValue
         0     0% 60.00%      4.00s 80.00%  github.com/FerretDB/FerretDB/internal/handler.(*Handler).MsgFind
         0     0% 60.00%      1.00s 20.00%  github.com/FerretDB/FerretDB/internal/handler.(*Handler).MsgUpdate
         0     0% 60.00%      0.70s 14.00%  runtime.gcBgMarkWorker
"""  # noqa: E501


def test_python_package_names_the_distribution_the_stdlib_module_or_our_package() -> None:
    assert python_package("/v/lib/python3.11/site-packages/pydantic/main.py") == "pydantic"
    assert python_package("/v/lib/python3.11/site-packages/typing_extensions.py") == (
        "typing_extensions"
    )
    assert python_package("/usr/lib/python3.11/asyncio/base_events.py") == "asyncio"
    assert python_package("/usr/lib/python3.11/json/decoder.py") == "json"
    assert python_package("/r/services/intake/src/motcua_intake/api/app.py") == "motcua_intake"


def test_go_package_drops_the_module_prefix_and_the_function() -> None:
    assert go_package("runtime.mallocgc") == "runtime"
    assert go_package("encoding/json.(*Decoder).readValue") == "encoding/json"
    assert (
        go_package("github.com/FerretDB/FerretDB/internal/handler/sjson.unmarshalSingleValue")
        == "handler/sjson"
    )
    assert go_package("github.com/jackc/pgx/v5/pgproto3.(*DataRow).Decode") == (
        "jackc/pgx/v5/pgproto3"
    )


def test_py_spy_samples_become_cores_of_the_leaf_frames_package() -> None:
    profile = read_py_spy("workflow", PY_SPY_RAW, seconds=2)
    # 100 samples a second for 2 s: 50 samples of pydantic kept a quarter of a core busy.
    assert profile.packages == {"pydantic": 0.25, "asyncio": 0.15, "motcua_workflow": 0.10}
    assert profile.cores == pytest.approx(0.5)
    assert profile.functions.most_common(1) == [("pydantic:validate", 0.25)]
    assert not profile.commands


def test_pprof_top_becomes_cores_by_package_and_by_command() -> None:
    profile = read_pprof_top("ferretdb", PPROF_TOP, seconds=10)
    assert profile.packages == pytest.approx(
        {"encoding/json": 0.2, "runtime": 0.05, "handler/sjson": 0.05, "handler": 0.0}
    )
    assert profile.collector == pytest.approx(0.07)
    assert profile.functions["runtime:memmove"] == pytest.approx(0.05)  # "(inline)" dropped
    assert profile.commands == pytest.approx({"find": 0.4, "update": 0.1})
    lines = profile.lines()
    assert lines[0].split()[:2] == ["ferretdb", "30%"]
    assert "find 40%" in lines[2] and "garbage collection 7%" in lines[2]


def test_a_failed_profile_says_why_instead_of_showing_figures() -> None:
    profile = read_py_spy("intake", "", seconds=1)
    profile.error = "py-spy is not installed"
    assert profile.lines() == ["  intake     no profile: py-spy is not installed"]
