"""``python -m equity validate``: exit 0 with a summary, 2 with every problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from equity.__main__ import main
from equity.datasets import DATA_DIR

GOOD = ("region_id,region_name,area_type,patients,charity_coverage,oop_share,cost_per_patient,"
        "subsidy_per_patient\n"
        "U1,Urban A,urban,120,95%,30%,200000,18000\n"
        "U2,Urban B,urban,80,82.5%,30%,200000,18000\n"
        "S1,Suburb A,suburban,60,50%,30%,200000,18000\n"
        "S2,Suburb B,suburban,40,87.5%,30%,200000,18000\n")


def test_bundled_dataset_summary(capsys):
    assert main(["validate", "city_w"]) == 0
    out = capsys.readouterr().out
    assert "rows: 10" in out
    assert "groups (area_type): urban 4, suburban 6" in out
    assert "total patients: 700" in out
    assert "charity coverage (patient-weighted): urban 90.0%, suburban 65.0%" in out
    assert "out-of-pocket share (patient-weighted): urban 30.0%, suburban 30.0%" in out
    assert "charity_coverage fraction (0-1)" in out
    assert "geometry: yes (10 of 10 regions)" in out


def test_file_summary_json(tmp_path, capsys):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["validate", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["valid"] is True and info["rows"] == 4
    assert info["groups"]["urban"]["charity_coverage"] == pytest.approx(0.90)
    assert info["groups"]["suburban"]["charity_coverage"] == pytest.approx(0.65)
    assert info["groups"]["suburban"]["patients"] == 100
    assert info["fraction_readings"]["charity_coverage"] == "percent sign"
    assert info["geometry"] is False


def test_boundaries_option(tmp_path, capsys):
    path = tmp_path / "w.csv"
    path.write_bytes((DATA_DIR / "city_w" / "regions.csv").read_bytes())
    code = main(["validate", str(path), "--boundaries",
                 str(DATA_DIR / "city_w" / "boundaries.geojson")])
    assert code == 0
    assert "geometry: yes (10 of 10 regions)" in capsys.readouterr().out


def test_errors_exit_2_and_list_every_problem(tmp_path, capsys):
    bad = GOOD.replace("U2,Urban B,urban,80", "U1,Urban B,urban,-80").replace(
        "50%,30%,200000", "150%,30%,lots")
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert out.startswith("5 problems; nothing was loaded:")
    assert f"{path}, row 2, column 'region_id': duplicate region_id 'U1'" in out
    assert f"{path}, row 3, column 'patients': '-80' is negative" in out
    assert f"{path}, row 4, column 'charity_coverage': '150%' is above 100%" in out
    assert f"{path}, row 4, column 'cost_per_patient': not a number: 'lots'" in out


def test_errors_json(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert main(["validate", str(path), "--json"]) == 2
    info = json.loads(capsys.readouterr().out)
    assert info == {"valid": False, "problems": [
        {"file": str(path), "row": None, "column": None, "message": "the file is empty"}]}


def test_non_region_dataset_name_exits_2(capsys):
    assert main(["validate", "zhejiang"]) == 2
    assert "not a region table" in capsys.readouterr().out


def test_module_entry_point_runs_without_traceback(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "equity", "validate", str(path)],
        capture_output=True, text=True, cwd=Path(DATA_DIR).parent, check=False,
    )
    assert result.returncode == 2
    assert "not valid JSON" in result.stdout
    assert "Traceback" not in result.stderr


def test_lang_zh_prints_chinese_problem_lines(tmp_path, capsys):
    bad = GOOD.replace("U2,Urban B,urban,80", "U1,Urban B,urban,-80").replace(
        "50%,30%,200000", "150%,30%,lots")
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    assert main(["validate", str(path), "--lang", "zh"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("发现5个问题；未加载任何数据：")
    assert (f"{path}，第2行，“region_id”列："
            "重复的地区编码“U1”（第3行也有）；每个地区只能出现一次") in out
    assert f"{path}，第3行，“patients”列：'-80'为负数；应为人数（人），不小于0" in out
    assert (f"{path}，第4行，“cost_per_patient”列："
            "不是数字：'lots'；应为每年的金额（元/年），不小于0") in out
    assert "expected" not in out
    # --json keeps the English message and adds the Chinese one.
    assert main(["validate", str(path), "--json", "--lang", "zh"]) == 2
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert problems[0]["message"].startswith("duplicate region_id 'U1'")
    assert problems[0]["message_zh"].startswith("重复的地区编码“U1”")


def test_lang_zh_summary_and_default_english(capsys):
    assert main(["validate", "city_w", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "患者总数：700人" in out
    assert "慈善救助覆盖率（按患者加权）：urban 90.0%，suburban 65.0%" in out
    assert "charity_coverage 比例（0-1）" in out
    assert "说明：地图为示意图" in out
    path_missing = "no_such_file.csv"
    assert main(["validate", path_missing]) == 2
    assert "file not found" in capsys.readouterr().out
    assert main(["validate", path_missing, "--lang", "zh"]) == 2
    assert "找不到文件" in capsys.readouterr().out
