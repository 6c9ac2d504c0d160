"""``python -m equity benefit`` and ``python -m equity project``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from equity.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_benefit_json_zhejiang_700k(capsys):
    code, out, _ = run(capsys, "benefit", "--preset", "zhejiang_special_fund",
                       "--cost", "700000", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["cost"] == 700_000 and d["oop"] == 100_000
    assert [(x["name"], x["paid"]) for x in d["layers"]] == [("special_fund", 600_000)]


def test_benefit_text_with_income(capsys):
    code, out, _ = run(capsys, "benefit", "--preset", "hunan_critical_illness",
                       "--cost", "1,000,000", "--income", "30000")
    assert code == 0
    assert "Out-of-pocket" in out and "30,000.00 yuan" in out
    assert "470,000.00 yuan" in out  # manufacturer 400,000 + 70,000 top-up
    assert "100.0%" in out  # 30,000 of a 30,000 income
    assert "* illustrative" in out


def test_benefit_list(capsys):
    code, out, _ = run(capsys, "benefit", "--list")
    assert code == 0
    for name in ("zhejiang_special_fund", "zhoushan_2025", "foshan_assistance",
                 "hunan_critical_illness"):
        assert name in out
    code, out, _ = run(capsys, "benefit", "--list", "--json")
    assert {p["name"] for p in json.loads(out)} >= {"zhoushan_2025"}


def test_benefit_dump_edit_and_reload(capsys, tmp_path):
    code, out, _ = run(capsys, "benefit", "--preset", "foshan_assistance", "--dump")
    assert code == 0
    doc = json.loads(out)
    doc["layers"][2]["cap"] = 50_000
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(capsys, "benefit", "--cascade", str(path), "--cost", "400000", "--json")
    assert code == 0
    d = json.loads(out)
    # 110,000 left after the insurers; 80% = 88,000 capped at 50,000 -> patient 60,000
    assert d["layers"][2]["paid"] == 50_000 and d["oop"] == pytest.approx(60_000)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["benefit", "--preset", "atlantis", "--cost", "1"], "unknown preset 'atlantis'"),
        (["benefit", "--preset", "zhejiang_special_fund", "--cost", "-5"], "--cost"),
        (["benefit", "--preset", "zhejiang_special_fund", "--cost", "lots"], "--cost"),
        (["benefit", "--preset", "zhejiang_special_fund", "--cost", "nan"], "--cost"),
        (["benefit", "--preset", "zhejiang_special_fund"], "--cost YUAN is required"),
        (["benefit", "--cost", "5"], "--preset"),
        (["benefit", "--preset", "zhejiang_special_fund", "--cost", "1", "--income", "x"],
         "--income"),
        (["benefit", "--cascade", "/nonexistent/c.json", "--cost", "1"], "cannot read"),
        (["project", "--preset", "atlantis"], "atlantis"),
        (["project", "--horizon", "ten"], "--horizon"),
        (["project", "--horizon", "500"], "horizon"),
        (["project", "--financing", "-1"], "--financing"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_bad_cascade_file_names_the_key(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"name": "x", "label": {"en": "x", "zh": "x"}, "source": "s", '
                    '"layers": [{"name": "a", "payer": "charity", "label": {"en": "a", '
                    '"zh": "a"}, "source": "s", "rate": 0.5, "ceiling": 1}]}', encoding="utf-8")
    code, _, err = run(capsys, "benefit", "--cascade", str(path), "--cost", "1")
    assert code == 2
    assert "bad.json: layers[0].ceiling: unknown key" in err


def test_project_json_replays_table3(capsys):
    code, out, _ = run(capsys, "project", "--preset", "zhejiang_2020_2024", "--horizon", "3",
                       "--json")
    assert code == 0
    d = json.loads(out)
    years = d["years"]
    assert [y["year"] for y in years] == list(range(2020, 2028))
    assert years[0] == {**years[0], "income": 101_080_000, "expenditure": 23_742_300,
                        "surplus": 77_337_700, "reserve": 77_337_700}
    assert years[4]["surplus"] == -5_090_200  # printed, not the -5,060,200 of subtraction
    assert len(d["flags"]) == 3 and d["depletion_year"] is not None


def test_project_text_and_financing(capsys):
    code, out, _ = run(capsys, "project", "--horizon", "2", "--financing", "20")
    assert code == 0
    assert "2026  projected" in out and "flag: 2024 income" in out
    assert "not within horizon" in out  # 20 yuan per enrollee keeps the reserve positive
    code, out, _ = run(capsys, "project", "--list")
    assert code == 0 and "zhejiang_2020_2024" in out


def test_module_entry_point_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "equity", "benefit", "--preset", "zhejiang_special_fund",
         "--cost", "200000", "--json"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["oop"] == 40_000


def test_project_set_overrides(capsys):
    # no growth at all: 2025 repeats 2024's enrollment, patients and spending per patient,
    # so spending is the printed 123,644,200 and income 2 x 57,130,000 = 114,260,000.
    code, out, _ = run(capsys, "project", "--horizon", "1", "--json", "--set",
                       "patient_growth=0", "--set", "spending_growth=0", "--set",
                       "enrollment_growth=0")
    assert code == 0
    last = json.loads(out)["years"][-1]
    assert last["year"] == 2025
    assert last["expenditure"] == pytest.approx(123_644_200)
    assert last["income"] == pytest.approx(114_260_000)
    code, _, err = run(capsys, "project", "--set", "colour=1")
    assert code == 2 and "colour: unknown setting" in err
    code, _, err = run(capsys, "project", "--set", "patient_growth")
    assert code == 2 and "KEY=NUMBER" in err


def test_benchmark_script_runs_small():
    # Keeps benchmarks/bench_benefit.py working; the timing itself is not asserted.
    proc = subprocess.run(
        [sys.executable, "benchmarks/bench_benefit.py", "--patients", "20000",
         "--chunk-size", "7000", "--preset", "hunan_critical_illness"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "hunan_critical_illness" in proc.stdout and "progress calls 3" in proc.stdout
