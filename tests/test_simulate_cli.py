"""``python -m equity simulate``: JSON and text output, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from equity.__main__ import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "scenarios"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["simulate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_output_has_design_shape_and_hand_worked_figures(tmp_path, capsys):
    # City W, 918,000 yuan to the suburban districts only: 51 places, gap 25 -> 10 points
    # (worked in tests/test_fund.py::test_city_w_suburban_pool_by_hand).
    scenario = write(tmp_path, "s.json",
                     '{"version": 1, "central_pool": 918000, "recipients": ["suburban"]}')
    code, out, _ = run(capsys, "--data", "city_w", "--scenario", str(scenario), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"fund", "gap", "regions", "measures"}
    assert data["fund"]["gross"] == 918_000
    assert data["fund"]["allocated"] == pytest.approx(918_000, abs=0.5)  # to the yuan
    assert data["fund"]["overhead"] == 0 and abs(data["fund"]["unspent"]) < 0.5
    gap = data["gap"]
    assert (gap["indicator"], gap["group_a"], gap["group_b"]) == (
        "charity_coverage", "urban", "suburban")
    assert gap["before"] == pytest.approx(0.25) and gap["after"] == pytest.approx(0.10)
    assert len(data["regions"]) == 10
    assert sum(r["newly_covered"] for r in data["regions"]) == pytest.approx(51)
    ti = data["measures"]["before"]["charity_coverage"]["TI"]
    assert 0 < ti < 0.1  # a plain index, not HEAT's x1000


def test_text_output(tmp_path, capsys):
    scenario = write(tmp_path, "s.json", '{"central_pool": 918000, "recipients": ["suburban"]}')
    code, out, _ = run(capsys, "--scenario", str(scenario))
    assert code == 0
    assert "Gap in charity_coverage: urban - suburban" in out
    assert "before  90.0% - 65.0% = 25.0 points" in out
    assert "after   90.0% - 80.0% = 10.0 points" in out
    assert "cost per point 61,200 yuan" in out
    assert "Patients newly covered: 51.0" in out


def test_without_a_scenario_nothing_changes(capsys):
    code, out, _ = run(capsys, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["fund"]["gross"] == 0
    assert data["gap"]["after"] == data["gap"]["before"]
    assert data["measures"]["after"] == data["measures"]["before"]


def test_bad_scenario_exits_2_naming_each_key(tmp_path, capsys):
    scenario = write(tmp_path, "bad.json", '{"central_pool": -1, "take_upp": 0.5}')
    code, out, err = run(capsys, "--scenario", str(scenario))
    assert code == 2 and out == ""
    assert f"{scenario}: central_pool:" in err
    assert f"{scenario}: take_upp: unknown key" in err
    assert "Traceback" not in err


def test_bad_scenario_as_json(tmp_path, capsys):
    scenario = write(tmp_path, "bad.json", "{not json")
    code, out, _ = run(capsys, "--scenario", str(scenario), "--json")
    assert code == 2
    data = json.loads(out)
    assert data["ok"] is False and "not valid JSON" in data["problems"][0]


def test_missing_files_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, "--scenario", str(tmp_path / "none.json"))
    assert code == 2 and "cannot read the scenario file" in err
    code, _, err = run(capsys, "--data", str(tmp_path / "none.csv"))
    assert code == 2 and "none.csv" in err


def test_bad_data_exits_2_naming_row_and_column(tmp_path, capsys):
    data = write(tmp_path, "regions.csv",
                 "region_id,region_name,area_type,patients,charity_coverage,oop_share,"
                 "cost_per_patient,subsidy_per_patient\n"
                 "A,A,urban,10,0.9,0.3,200000,18000\n"
                 "B,B,suburban,ten,0.6,0.3,200000,18000\n")
    code, _, err = run(capsys, "--data", str(data))
    assert code == 2
    assert "patients" in err and "Traceback" not in err


def test_comparison_the_data_cannot_make_exits_2(tmp_path, capsys):
    scenario = write(tmp_path, "s.json", '{"compare": {"a": "urban", "b": "rural"}}')
    code, _, err = run(capsys, "--scenario", str(scenario))
    assert code == 2 and "compare.b" in err and "rural" in err


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_example_scenarios_run(example, capsys):
    code, out, _ = run(capsys, "--scenario", str(example), "--json")
    assert code == 0
    data = json.loads(out)
    fund = data["fund"]
    assert abs(fund["gross"] - fund["overhead"] - fund["allocated"] - fund["unspent"]) < 0.5
    assert data["gap"]["after"] < data["gap"]["before"]


def test_module_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "equity", "simulate", "--scenario",
         str(EXAMPLES / "central_pool_1m.json"), "--json"],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["fund"]["gross"] == 1_000_000


def test_python_api_gives_the_same_json_as_the_command(capsys):
    from equity import load, simulate
    from equity.scenario import scenario_from_json

    path = EXAMPLES / "zhejiang_levy.json"
    expected = simulate(load("city_w"), scenario_from_json(path.read_text())).to_dict()
    code, out, _ = run(capsys, "--scenario", str(path), "--json")
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(expected))


def test_presets_and_scenario_files_apply_in_order(tmp_path, capsys):
    # EU joint procurement sets price_cut 0.25; a later file sets 0.1 and only that key
    later = write(tmp_path, "cut.json", '{"version": 2, "price_cut": 0.1}')
    code, out, _ = run(capsys, "--data", "city_w", "--preset", "eu_joint_procurement",
                       "--preset", "japan_rescue_fund", "--scenario", str(later), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["presets"] == ["eu_joint_procurement", "japan_rescue_fund"]
    assert data["scenario"]["price_cut"] == 0.1
    assert data["scenario"]["central_pool"] == 20_000_000  # japan's, not reset by the file
    assert data["fund"]["sources"]["industry_levy"] == 5_000_000
    # the file first, the preset last: the preset's 0.25 wins
    code, out, _ = run(capsys, "--data", "city_w", "--scenario", str(later),
                       "--preset", "eu_joint_procurement", "--json")
    data = json.loads(out)
    assert data["scenario"]["price_cut"] == 0.25
    # City W's cost is all drug (drug_share 1): a 25% cut saves 25% of sum P T
    assert data["levers"]["price_cut"]["total"] == pytest.approx(0.25 * 140_000_000)


def test_unknown_preset_is_refused_with_exit_2(capsys):
    code, _out, err = run(capsys, "--preset", "atlantis")
    assert code == 2
    assert "atlantis" in err


def test_intervals_flag_adds_measure_intervals(capsys):
    code, out, _ = run(capsys, "--data", "city_w", "--json")
    assert "measure_intervals" not in json.loads(out)
    code, out, _ = run(capsys, "--data", "city_w", "--intervals", "--json")
    data = json.loads(out)
    assert code == 0
    d = data["measure_intervals"]["before"]["charity_coverage"]["D"]
    assert set(d) == {"value", "se", "lower", "upper", "interval", "reason"}
    assert d["lower"] < d["value"] < d["upper"]
    assert data["gap"]["interval"]["before"]["lower"] < data["gap"]["before"]


def test_pairing_table_routes_a_donor_to_its_partner(tmp_path, capsys):
    scenario = write(tmp_path, "pa.json", '{"version": 2, "mutual_aid_share": 0.5, '
                     '"paired_assistance": "table"}')
    pairs = write(tmp_path, "pairs.csv", "donor_id,recipient_id\nW-U1,W-S1\n")
    code, out, _ = run(capsys, "--scenario", str(scenario), "--pairs", str(pairs), "--json")
    assert code == 0
    data = json.loads(out)
    flows = data["levers"]["paired"]["flows"]
    assert [(f["donor_id"], f["recipient_id"], f["kind"]) for f in flows] == \
        [("W-U1", "W-S1", "table")]
    donor = next(d for d in data["fund"]["donors"] if d["region_id"] == "W-U1")
    # W-U1's whole mutual aid goes to W-S1 first (no overhead), within W-S1's capacity
    assert flows[0]["amount"] == pytest.approx(donor["mutual_aid"])
    f = data["fund"]
    assert f["gross"] == pytest.approx(f["overhead"] + f["allocated"] + f["unspent"])
    bad = write(tmp_path, "bad.csv", "donor_id,recipient_id\nW-U1,Atlantis\n")
    code, _, err = run(capsys, "--scenario", str(scenario), "--pairs", str(bad))
    assert code == 2 and "Atlantis" in err
