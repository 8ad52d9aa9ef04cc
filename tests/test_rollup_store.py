"""The run's scorecards kept as columns (`kpi_xl.rollup.store.Scorecards`): nothing a scorecard said is
lost when it is folded in, and a rollup streamed through it gives the summary the scorecards give."""

from __future__ import annotations

import hashlib
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rollup_helpers import seed_workbook

from kpi_xl.policy import default_policy
from kpi_xl.rollup import rollup
from kpi_xl.rollup.model import HEADER_KEYS, Cached, KpiRows, RawScorecard
from kpi_xl.rollup.store import Scorecards
from kpi_xl.rollup.tables import build_tables

NUMBER_FIELDS = ("weight", "target", "tolerance", "due", "actual", "cached_score", "cached_final")
TEXT_FIELDS = ("kra", "indicator", "unit", "direction")

texts = st.sampled_from(["", "Sales", "Penjualan", "Kepuasan pelanggan", "higher", "lower", "milestone", "%",
                         "Rp", "x" * 300, "a\u00e9\u4e2d"])
numbers = st.one_of(st.just(math.nan), st.floats(-1e12, 1e12, allow_nan=False))


@st.composite
def scorecards(draw):
    n = draw(st.integers(0, 6))
    rows = KpiRows(**{f: draw(st.lists(texts, min_size=n, max_size=n)) for f in TEXT_FIELDS},
                   **{f: draw(st.lists(numbers, min_size=n, max_size=n)) for f in NUMBER_FIELDS},
                   row=draw(st.lists(st.integers(1, 1_048_576), min_size=n, max_size=n)),
                   bad=draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    header = {k: draw(texts) for k in ("employee_id", "name", "department", "supervisor", "role", "role_id",
                                       "period")}
    cached = [Cached(draw(st.sampled_from(["kpi_value", "total_final", "level", "final_rating"])),
                     draw(st.sampled_from(["H20", "H21", "C9"])), draw(st.floats(-1e6, 1e6)))
              for _ in range(draw(st.integers(0, 3)))]
    columns = draw(st.sampled_from([{}, {"actual": "J", "weight": "F"}, {"actual": "E", "target": "D"}]))
    return RawScorecard(draw(st.sampled_from(["a.xlsx", "b/c.xlsx", "d.ods"])), draw(texts),
                        draw(st.sampled_from(["generated", "hand-made"])), header, rows, columns, cached,
                        {"period": "C7"} if header["period"] else {}, None,
                        draw(st.one_of(st.none(), st.tuples(numbers, numbers))))


def _same(a, b) -> bool:
    return all((x == y) or (isinstance(x, float) and math.isnan(x) and math.isnan(y)) for x, y in zip(a, b)) \
        and len(a) == len(b)


@settings(max_examples=60, deadline=None)
@given(st.lists(scorecards(), max_size=8))
def test_a_scorecard_folded_into_the_store_comes_back_whole(cards):
    store = Scorecards.of(cards)
    assert len(store) == len(cards) and store.row_count == sum(len(c.rows) for c in cards)
    assert store.counts.tolist() == [len(c.rows) for c in cards]
    for field in NUMBER_FIELDS:
        assert _same(store.column(field).tolist(), [v for c in cards for v in getattr(c.rows, field)])
    for field in TEXT_FIELDS:
        assert store.column(field).tolist() == [v for c in cards for v in getattr(c.rows, field)]
    assert store.column("row").tolist() == [v for c in cards for v in c.rows.row]
    assert store.column("bad").tolist() == [v for c in cards for v in c.rows.bad]
    for i, card in enumerate(cards):
        back = store.card(i)
        assert (back.file, back.sheet, back.kind, back.columns, back.header_cells, back.attendance) == \
            (card.file, card.sheet, card.kind, card.columns, card.header_cells, card.attendance)
        assert back.header == card.header
        assert [(c.what, c.cell) for c in back.cached] == [(c.what, c.cell) for c in card.cached]
        assert _same([c.value for c in back.cached], [c.value for c in card.cached])
        assert store.content_keys[i].hex() == card.content_key()


def test_equal_text_is_kept_once():
    cards = [RawScorecard(f"{i}.xlsx", "KPI", "generated", {"department": "Marketing " + "x" * 40},
                          KpiRows(kra=["Penjualan " + "y" * 40], weight=[100.0], target=[1.0], actual=[1.0],
                                  tolerance=[math.nan], due=[math.nan], cached_score=[math.nan],
                                  cached_final=[math.nan], row=[11], bad=[False], indicator=["z"], unit=["%"],
                                  direction=["higher"]), {"actual": "J"})
             for i in range(3)]
    store = Scorecards.of(cards)
    kra = store.column("kra")
    assert kra[0] is kra[1] is kra[2]
    assert store.header("department")[0] is store.header("department")[2]
    assert store.columns_of(0) is store.columns_of(2)  # one mapping shared by every generated scorecard


def test_released_rows_stay_readable_through_the_columns_already_taken():
    card = RawScorecard("a.xlsx", "KPI", "generated", {}, KpiRows(
        kra=["K"], indicator=["I"], unit=[""], direction=["higher"], weight=[100.0], target=[50.0],
        tolerance=[math.nan], due=[math.nan], actual=[40.0], cached_score=[math.nan], cached_final=[math.nan],
        row=[11], bad=[False]), {"actual": "J"})
    store = Scorecards.of([card])
    actual = store.column("actual")
    store.release_rows()
    assert actual.tolist() == [40.0] and store.row_count == 0
    store.release()
    assert len(store) == 0


def test_a_rollup_from_the_store_equals_one_from_the_scorecards(tmp_path):
    for i, actuals in enumerate(([55, 1_500_000, 32, 6, 22, 21, 33], [40, 1_000_000, 25, 5, 25, 20, 30])):
        seed_workbook(tmp_path / f"{i}.xlsx", who={"NIK": f"E{i}", "Periode": "2025"}, actuals=actuals)
    result = rollup(tmp_path, None)
    from kpi_xl.rollup import read_each
    from kpi_xl.rollup.find import find_files

    cards = [c for r in read_each(find_files([str(tmp_path)]).workbooks) for c in r.scorecards]
    by_list = build_tables(cards, [], default_policy())
    assert np.allclose(result.summary["kpi_value"], by_list.summary["kpi_value"])
    assert result.summary["level"].tolist() == by_list.summary["level"].tolist()
    assert result.tables.details["score"].round(6).tolist() == by_list.details["score"].round(6).tolist()
    assert result.tables.by_kra["kra_score"].round(6).tolist() == by_list.by_kra["kra_score"].round(6).tolist()


def _digest_value_by_value(card: RawScorecard) -> bytes:
    """`content_digest` as first written, one value at a time: the bytes a scorecard's digest must stay."""
    digest = hashlib.sha256()
    for key in HEADER_KEYS:
        digest.update(b"\x1e" + " ".join(str(card.header.get(key, "") or "").split()).casefold().encode())
    for name in ("kra", "indicator", "unit", "direction", "weight", "target", "tolerance", "due", "actual"):
        digest.update(b"\x1d")
        for value in getattr(card.rows, name):
            if isinstance(value, float):
                text = "" if math.isnan(value) else repr(value)
            else:
                text = " ".join(str(value or "").split()).casefold()
            digest.update(b"\x1f" + text.encode("utf-8", "surrogatepass"))
    return digest.digest()


# Whatever a KPI row column may hold: floats (NaN, -0.0, infinities, a repr with an exponent), the text
# "nan" and text around separators, case that folds to more letters, ints, booleans, None, a lone
# surrogate (an undecodable file name's), numpy's own floats.
odd_values = st.one_of(
    numbers, st.sampled_from([math.inf, -math.inf, -0.0, 0.0, 1e16, 1e-7, -math.nan]),
    texts, st.sampled_from(["nan", "NaN", " financial ", "a\x1db", "\x1f", "Straße", "İ", "a\u00a0 b", "\ud800",
                            "1.0", "Rp\t1\n"]),
    st.integers(-3, 3), st.booleans(), st.none(), st.builds(np.float64, st.sampled_from([2.5, math.nan])))
headers = st.dictionaries(st.sampled_from(HEADER_KEYS), st.one_of(texts, st.sampled_from(
    ["  Rina  Dewi ", "E001", "nan", "ß"]), st.none(), st.integers(0, 2), st.sampled_from([1.5, math.nan])))


@st.composite
def odd_scorecards(draw):
    n = draw(st.integers(0, 4))
    columns = {}
    for name in ("kra", "indicator", "unit", "direction", "weight", "target", "tolerance", "due", "actual"):
        kind = draw(st.sampled_from(["text", "numbers", "odd", "empty"]))
        values = {"text": texts, "numbers": numbers, "odd": odd_values}.get(kind)
        columns[name] = draw(st.lists(values, min_size=n, max_size=n)) if values is not None else []
    return RawScorecard("a.xlsx", "KPI", "generated", draw(headers), KpiRows(**columns), {})


@settings(max_examples=300, deadline=None)
@given(odd_scorecards())
def test_a_scorecards_digest_is_the_value_by_value_digest(card):
    assert card.content_digest() == _digest_value_by_value(card)


def test_a_read_scorecards_digest_is_the_value_by_value_digest(tmp_path):
    seed_workbook(tmp_path / "a.xlsx", who={"NIK": "E1", "Periode": "2025"})
    from kpi_xl.rollup.read import read_workbook

    card = read_workbook(str(tmp_path / "a.xlsx")).scorecards[0]
    assert card.content_digest() == _digest_value_by_value(card)
