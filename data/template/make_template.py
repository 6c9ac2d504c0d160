"""Write the blank region-table templates in this folder from ``equity.schema``.

    python data/template/make_template.py

The files are committed so that they can be downloaded without running Python; a test
checks the CSV files match what ``equity.datasets.template_bytes`` produces.
"""

from __future__ import annotations

from pathlib import Path

from equity.datasets import template_bytes
from equity.schema import column_dictionary

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    (HERE / "regions_template.csv").write_bytes(template_bytes("csv", "en"))
    (HERE / "regions_template_zh.csv").write_bytes(template_bytes("csv", "zh"))
    (HERE / "regions_template.xlsx").write_bytes(template_bytes("xlsx", "en"))
    column_dictionary().to_csv(HERE / "dictionary.csv", index=False, encoding="utf-8")
    print("wrote", ", ".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))
