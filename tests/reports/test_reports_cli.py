"""``python -m reports``: 0 when written, 1 with one line saying why, 2 for a usage error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from reports.__main__ import main
from tests.reports.stores import measured_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return measured_store(tmp_path / "store")


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    return err


def test_scrutiny_and_public_are_written(db: Path, tmp_path: Path, capsys) -> None:
    assert main(["scrutiny", "--out", str(tmp_path / "out" / "s.docx"), "--db", str(db)]) == 0
    assert "Heading 1" in {p.style.name for p in docx.Document(str(tmp_path / "out" / "s.docx")).paragraphs}
    assert main(["public", "--out", str(tmp_path / "site"), "--db", str(db), "--quarter", "2024-25 Q4"]) == 0
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # As at 2024-25 Q4: the later quarter's contacts are left out.
    assert "70.0% (2024-25 Q3) → 85.0% (2024-25 Q4) → 95.0% (2027-28 Q4)" in html
    assert "fewer than 6" not in html
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote {tmp_path / 'site' / 'index.html'}"


@pytest.mark.parametrize("args, reason", [
    (["scrutiny", "--out", "{tmp}/s.pdf"], "scrutiny writes .docx: cannot write s.pdf"),
    (["scrutiny", "--out", "{tmp}"], "scrutiny writes .docx"),
    (["public", "--out", "{tmp}/file.txt"], "it is a file, and public needs a folder"),
    (["scrutiny", "--out", "{tmp}/s.docx", "--quarter", "Q5"], "--quarter 'Q5' is not a quarter"),
    (["pack", "--out", "{tmp}/p.pptx", "--meeting-date", "next week"], "--meeting-date 'next week' is not a date"),
])
def test_refusals_exit_1_with_one_line(args: list[str], reason: str, db: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "file.txt").write_text("not a folder")
    assert main([a.format(tmp=tmp_path) for a in args] + ["--db", str(db)]) == 1
    assert reason in _one_line(capsys)


def test_missing_database_exits_1(tmp_path: Path, capsys) -> None:
    assert main(["scrutiny", "--out", str(tmp_path / "s.docx"), "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "no database at" in _one_line(capsys)
    assert not (tmp_path / "none.duckdb").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_out_exits_1(db: Path, tmp_path: Path, capsys) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["scrutiny", "--out", str(locked / "s.docx"), "--db", str(db)]) == 1
        assert "permission denied" in _one_line(capsys)
    finally:
        locked.chmod(0o700)


def test_out_under_a_file_exits_1(db: Path, tmp_path: Path, capsys) -> None:
    # Works for root too: nobody can make a folder inside a file.
    (tmp_path / "file.txt").write_text("x")
    assert main(["scrutiny", "--out", str(tmp_path / "file.txt" / "s.docx"), "--db", str(db)]) == 1
    assert "is not a folder" in _one_line(capsys)
    assert main(["public", "--out", str(tmp_path / "file.txt" / "site"), "--db", str(db)]) == 1
    assert "is not a folder" in _one_line(capsys)


@pytest.mark.parametrize("args", [[], ["scrutiny"], ["nonsense", "--out", "x"], ["scrutiny", "--out"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(args)
    assert raised.value.code == 2


def test_runs_as_a_module(db: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "reports", "scrutiny", "--out", str(tmp_path / "s.docx"),
                           "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / "s.docx").stat().st_size > 10_000
