"""The fuzzing harness (tests/fuzz.py): mutated scorecards, seeded, rolled up in batches of 1,000 in a
subprocess. No crash, no traceback, every file accounted for, memory bounded, inputs unchanged. The quick
run rolls up 500 cases, CI 3,000 (tests/thorough.py); KPI_XL_FUZZ_CASES=20000 runs more."""

from __future__ import annotations

import fuzz
from thorough import FUZZ_CASES


def test_mutated_scorecards_never_stop_a_rollup(tmp_path):
    cases = FUZZ_CASES
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
