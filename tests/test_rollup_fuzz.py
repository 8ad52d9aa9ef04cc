"""The fuzzing harness (tests/fuzz.py) in CI: a few thousand mutated scorecards, seeded, rolled up in
batches in a subprocess. No crash, no traceback, every file accounted for, memory bounded, inputs
unchanged. KPI_XL_FUZZ_CASES=20000 runs more."""

from __future__ import annotations

import os

import fuzz


def test_mutated_scorecards_never_stop_a_rollup(tmp_path):
    cases = int(os.environ.get("KPI_XL_FUZZ_CASES", fuzz.DEFAULT_CASES))
    bases = fuzz.seeds()
    wrong = []
    for start in range(0, cases, 1000):
        count = min(1000, cases - start)
        folder = tmp_path / f"batch-{start:06d}"
        before = fuzz.write_cases(folder, start, count, 0, bases)
        batch = fuzz.run_batch(folder)
        wrong += [f"cases {start}..{start + count - 1}: {w}" for w in fuzz.problems(batch, count)]
        if fuzz.digest(folder) != before:
            wrong.append(f"cases {start}..{start + count - 1}: inputs changed")
        assert batch.report is None or batch.report["files_found"] == count
    assert not wrong, "\n".join(wrong)


def test_cases_are_reproducible():
    bases = fuzz.seeds()
    assert fuzz.make_case(17, 0, bases) == fuzz.make_case(17, 0, bases)
    assert fuzz.make_case(17, 0, bases) != fuzz.make_case(18, 0, bases)
