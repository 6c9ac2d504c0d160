"""Issue 15: the Overview's tile grid and ranking stay linear in the regions and readable at
the documented row limit (extremes + distribution; grouped or sampled tiles)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmarks.synthetic import synthetic_regions
from equity.charts.maps import MAX_TILES, build_tile_grid_figure
from equity.charts.overview import (
    MAX_BARS,
    build_distribution_figure,
    build_ranked_regions_figure,
)

COMPARE = {"column": "area_type", "a": "urban", "b": "suburban"}


def _grid_time(n: int) -> float:
    table = synthetic_regions(n, seed=1)
    start = time.perf_counter()
    build_tile_grid_figure(table=table, indicator="charity_coverage", lang="en",
                           group_column="area_type", max_tiles=n)
    return time.perf_counter() - start


def test_tile_grid_is_one_trace_and_linear() -> None:
    # Before: 100 regions 1.9 s, 400 31 s (one layout shape per square). Now one heatmap.
    table = synthetic_regions(400, seed=1)
    fig = build_tile_grid_figure(table=table, indicator="charity_coverage", lang="en",
                                 group_column="area_type")
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap" and not fig.layout.shapes
    cells = [c for row in fig.data[0].customdata for c in row if c]
    assert len(cells) == 400
    small, large = _grid_time(200), _grid_time(1600)
    # 8x the squares: a quadratic build would take ~64x; allow generous noise on shared cores.
    assert large < 2.0 and large < small * 24


def test_tile_grid_over_the_limit_groups_by_patient_weighted_mean() -> None:
    table = synthetic_regions(5_000, seed=2)
    fig = build_tile_grid_figure(table=table, indicator="charity_coverage", lang="en",
                                 group_column="area_type")
    z = [v for row in fig.data[0].z for v in row if v is not None]
    assert len(z) == 4  # urban, suburban, rural, remote
    urban = table[table["area_type"] == "urban"]
    expected = (urban["charity_coverage"] * urban["patients"]).sum() / urban["patients"].sum()
    # Squares sort by group name: remote, rural, suburban, urban.
    assert abs(z[3] - expected * 100.0) < 1e-9
    assert "5,000 regions" in fig.layout.title.subtitle.text


def test_tile_grid_over_the_limit_samples_when_groups_are_too_many() -> None:
    table = synthetic_regions(3_000, seed=3)
    table = table.assign(area_type=table["region_id"])  # every region its own group
    fig = build_tile_grid_figure(table=table, indicator="oop_share", lang="en",
                                 group_column="area_type")
    cells = [v for row in fig.data[0].z for v in row if v is not None]
    assert 0 < len(cells) <= MAX_TILES
    assert "sample" in fig.layout.title.subtitle.text


def test_ranking_shows_the_extremes_of_a_large_table() -> None:
    table = synthetic_regions(100_000, seed=4)
    start = time.perf_counter()
    fig = build_ranked_regions_figure(table=table, indicator="charity_coverage",
                                      compare=COMPARE, lang="en")
    assert time.perf_counter() - start < 5.0
    bars = [tr for tr in fig.data if tr.type == "bar"]
    shown = pd.Series([x for tr in bars for x in tr.x])
    assert len(shown) == MAX_BARS
    values = np.sort(table["charity_coverage"].to_numpy() * 100.0)
    half = MAX_BARS // 2
    expected = np.concatenate([values[:half], values[-half:]])
    assert np.allclose(np.sort(shown.to_numpy()), expected)
    assert "100,000 regions" in fig.layout.title.subtitle.text
    # The group averages still cover every region (not only the bars shown).
    urban = table[table["area_type"] == "urban"]
    mean = (urban["charity_coverage"] * urban["patients"]).sum() / urban["patients"].sum()
    assert any(abs(s.x0 - mean * 100.0) < 1e-9 for s in fig.layout.shapes)


def test_small_ranking_is_not_truncated() -> None:
    table = synthetic_regions(MAX_BARS, seed=5)
    fig = build_ranked_regions_figure(table=table, indicator="oop_share", compare=COMPARE,
                                      lang="en")
    assert sum(len(tr.x) for tr in fig.data if tr.type == "bar") == MAX_BARS
    assert not fig.layout.title.subtitle.text


def test_distribution_counts_every_region_once() -> None:
    table = synthetic_regions(20_000, seed=6)
    fig = build_distribution_figure(table=table, indicator="charity_coverage",
                                    compare=COMPARE, lang="en")
    assert sum(int(sum(tr.y)) for tr in fig.data) == 20_000
    urban = [tr for tr in fig.data if tr.name == "Urban" or "rban" in tr.name]
    assert sum(urban[0].y) == int((table["area_type"] == "urban").sum())


def test_region_labels_are_escaped_and_unique_on_whole_columns() -> None:
    from equity.charts.style import region_labels

    table = pd.DataFrame({"region_name": ["A & <b>", "Same", "Same", "x>y"],
                          "region_id": ["1", "2", "3", "4"]})
    assert region_labels(table) == ["A &amp; &lt;b&gt;", "Same (2)", "Same (3)", "x&gt;y"]


def test_change_tile_map_samples_a_large_table() -> None:
    from equity.charts.fund import build_change_tile_figure

    table = synthetic_regions(50_000, seed=7)
    regions = table.assign(charity_coverage_before=table["charity_coverage"],
                           charity_coverage_after=table["charity_coverage"] + 0.01)
    start = time.perf_counter()
    fig = build_change_tile_figure(regions=regions, lang="en")
    assert time.perf_counter() - start < 3.0
    cells = [v for row in fig.data[0].z for v in row if v is not None]
    assert 0 < len(cells) <= MAX_TILES
    assert all(abs(v - 1.0) < 1e-9 for v in cells)  # +1 point everywhere
    assert "50,000 regions" in fig.layout.title.subtitle.text
