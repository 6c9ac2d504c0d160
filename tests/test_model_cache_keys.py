"""dashboard.models.data_key: a region table's identity for the model caches, computed once per
data object (a fragment's reruns hand the page the same object; hashing cost ~1 ms a move)."""

from __future__ import annotations

import dataclasses
import gc

import pandas as pd

from dashboard import models
from equity.datasets import load


def test_same_object_is_hashed_once(monkeypatch) -> None:
    data = load("city_w")
    calls = []
    real = pd.util.hash_pandas_object

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pd.util, "hash_pandas_object", counting)
    first = models.data_key(data)
    assert models.data_key(data) == first
    assert len(calls) == 1


def test_equal_tables_share_a_key_and_other_values_do_not() -> None:
    a, b = load("city_w"), load("city_w")
    assert a is not b
    assert models.data_key(a) == models.data_key(b)
    table = a.table.copy()
    table.loc[0, "patients"] = table.loc[0, "patients"] + 1
    changed = dataclasses.replace(a, table=table)
    assert models.data_key(changed) != models.data_key(a)
    assert models.data_key(dataclasses.replace(a, name="other")) != models.data_key(a)


def test_a_dropped_object_is_forgotten() -> None:
    data = load("city_w")
    ident = id(data)
    models.data_key(data)
    assert ident in models._DATA_KEYS
    del data
    gc.collect()
    assert ident not in models._DATA_KEYS
