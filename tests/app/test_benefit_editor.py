"""The Benefit design page's editor table -> cascade: reorder by Position, add and remove
layers, and the cascade file's validation (row and column named)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from equity.cascade import CascadeError, benefit, cascade_to_frame, get_preset

PAGE = Path(__file__).resolve().parents[2] / "views" / "benefit_design.py"


@pytest.fixture(scope="module")
def page():
    spec = importlib.util.spec_from_file_location("benefit_design_page", PAGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table(name: str):
    frame = cascade_to_frame(get_preset(name))
    frame.insert(0, "position", range(1, len(frame) + 1))
    return frame


def test_reorder_by_position_changes_who_pays(page):
    # Foshan: basic 50%, critical illness 50% above 20,000, assistance 80% capped at 300,000.
    # At 100,000 yuan: basic 50,000; critical 0.5 x (50,000 - 20,000) = 15,000; assistance
    # 0.8 x 35,000 = 28,000; patient 7,000.
    base = get_preset("foshan_assistance")
    table = _table("foshan_assistance")
    assert benefit(page.layers_from_editor(table, base), 100_000).oop == pytest.approx(7_000)
    # Assistance first: 80,000; then basic 0.5 x 20,000 = 10,000; critical 0 (10,000 left is
    # under the 20,000 deductible); patient 10,000.
    table.loc[2, "position"] = 0
    moved = page.layers_from_editor(table, base)
    assert [layer.name for layer in moved.layers] == [
        "medical_assistance", "basic_insurance", "critical_illness"]
    assert benefit(moved, 100_000).oop == pytest.approx(10_000)


def test_remove_and_add_a_layer(page):
    base = get_preset("zhejiang_special_fund")
    table = _table("zhejiang_special_fund")
    charity = {"position": None, "name": "charity", "payer": "charity", "label_en": "Charity",
               "label_zh": "慈善", "rate": 0.5, "source": "illustrative: test"}
    import pandas as pd

    added = pd.concat([table, pd.DataFrame([charity])], ignore_index=True)
    cascade = page.layers_from_editor(added, base)
    assert [layer.name for layer in cascade.layers] == ["special_fund", "charity"]
    assert benefit(cascade, 700_000).oop == pytest.approx(50_000)  # half of the 100,000 left
    with pytest.raises(CascadeError):  # no layer left
        page.layers_from_editor(table.iloc[0:0], base)


def test_invalid_edits_name_row_and_column(page):
    base = get_preset("zhejiang_special_fund")
    table = _table("zhejiang_special_fund")
    table.loc[0, "cap"] = 10_000  # a cap beside the out-of-pocket ceiling: refused
    with pytest.raises(CascadeError) as err:
        page.layers_from_editor(table, base)
    assert any(p.text("en").startswith("row 1") for p in err.value.problems)
    table = _table("zhejiang_special_fund")
    table.loc[0, "tiers"] = "300000-0.8"
    with pytest.raises(CascadeError) as err:
        page.layers_from_editor(table, base)
    assert "column tiers" in err.value.problems[0].text("en")
