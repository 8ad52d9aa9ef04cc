"""The formula text of a scorecard's cells, in both modes.

``native``: plain formulas that Excel 2010+, LibreOffice 7.4+ and Gnumeric compute the way
`kpi_xl.scoring` does. Only functions all of them know (SPEC 6), and no function of a range inside
SUMPRODUCT: Gnumeric reduces LEN(range) or ISNUMBER(range) there to one cell (implicit intersection),
so ranges meet only operators (``--(KPI_Score<>"")``, ``(Policy_Thresholds<x)``).
``udf``: the same cells call the kpi-xl add-in's cell functions (``=KPI_SCORE()``...), each given the
policy sheet's block, so both modes score and band by the same sheet.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import contract as C
from ..errors import KpiInputError
from .labels import LABELS
from .layout import COL, NUMBER_COL, TEXT_COL

FORMULA_MODES = ("native", "udf")


def quote(text: str) -> str:
    '''`text` as a formula's string literal, its quotes doubled.

    >>> print(quote('say "yes"'))
    "say ""yes"""
    '''
    return '"' + text.replace('"', '""') + '"'


CAP = f"IF(ISNUMBER({C.POLICY_MAX_SCORE}),{C.POLICY_MAX_SCORE},1E+307)"

# Native mode reads the actual cell in two hidden helper cells per KPI row, so the score formula reads
# a number exactly where the core does (`to_number`, `milestone_actual`):
# - TEXT_COL: the actual as typed, trimmed: a number or TRUE/FALSE as a number; text without control
#   characters (tabs, line breaks: CLEAN), no-break spaces as spaces, spaces trimmed (TRIM); "#" for an
#   error value;
# - NUMBER_COL: the actual as the core reads it: a number; "" when blank; for milestones the done /
#   not done words as 1 / 0; numeric text ("50", " 12.5 ", "1e3") as its number; any other text stays
#   text, and the score cell says "actual is not a number".
# Where the sheet and the core still read text differently (checked in LibreOffice and Gnumeric; the
# sheet never shows a number the core would not give: it shows a message, or treats odd spacing as
# spacing): the core's float() also takes "1_000", non-ASCII digits and Unicode spaces other than the
# no-break space, which the sheet refuses; the sheet also drops control characters inside the text and
# reads "not  done" or "not<no-break space>done" as "not done" (TRIM makes one space of a run), which the
# core refuses.


def _substitute(expr: str, pairs: Iterable[tuple[str, str]]) -> str:
    for old, new in pairs:
        expr = f"SUBSTITUTE({expr},{old},{new})"
    return expr


def actual_text_formula(r: int) -> str:
    """The hidden cell TEXT_COL r: KPI row r's actual, trimmed as the core's str.strip() trims it."""
    a = f"{COL['actual']}{r}"
    # The no-break space is written into the formula as the character itself: CHAR(160) is one only
    # where the computer's code page says so (Excel on Windows), not on a Mac nor in LibreOffice on Linux.
    text = f'TRIM(CLEAN(SUBSTITUTE({a},"\u00a0"," ")))'
    return f'=IFERROR(IF(ISNUMBER({a}),{a},IF(ISLOGICAL({a}),N({a}),{text})),"#")'


def _numeric_text(x: str) -> str:
    """The number in the trimmed text `x`, read as Python's float() reads it, else `x` itself.

    VALUE alone would not do: it also reads "1,000", "50%", "$5" and dates, which the core refuses,
    and it reads by the computer's language ("12.5" is 125 in an Indonesian Excel). So only text shaped
    like float()'s numbers goes to VALUE: digits, one decimal point, an optional exponent (E), signs only
    in front and after the E; and its point becomes the language's decimal sign (MID(1/2,2,1), the
    second character of 0.5 as text) first.
    """
    upper = f"UPPER({x})"
    chars = _substitute(upper, ((f'"{c}"', '""') for c in "0123456789.+-E"))
    signs = _substitute(upper, (('"E+"', '"E"'), ('"E-"', '"E"')))
    shaped = (f"AND(LEN({chars})=0,LEN({x})-LEN(SUBSTITUTE({x},\".\",\"\"))<=1,"
              f"LEN({x})-LEN(SUBSTITUTE({upper},\"E\",\"\"))<=1,"
              f'ISERROR(FIND("+",MID({signs},2,255))),ISERROR(FIND("-",MID({signs},2,255))),'
              f'IFERROR(FIND(".",{x}),0)<IFERROR(FIND("E",{upper}),999))')
    number = f'VALUE(SUBSTITUTE({x},".",MID(1/2,2,1)))'
    # "1e400": the core refuses it (float() gives infinity); LibreOffice's VALUE gives the largest
    # float, Gnumeric's infinity: neither passes the ABS test.
    return f"IF({shaped},IFERROR(IF(ABS({number})<1E+308,{number},{x}),{x}),{x})"


def actual_number_formula(direction: str, r: int) -> str:
    """The hidden cell NUMBER_COL r: KPI row r's actual as the core reads it (see TEXT_COL)."""
    x = f"{TEXT_COL}{r}"
    value = _numeric_text(x)
    if direction == "milestone":
        # SUMPRODUCT(--(list=word)): an exact, case-insensitive match without MATCH's wildcards.
        value = (f"IF(SUMPRODUCT(--({C.MILESTONE_DONE}=LOWER({x})))>0,1,"
                 f"IF(SUMPRODUCT(--({C.MILESTONE_NOT_DONE}=LOWER({x})))>0,0,{value}))")
    return f'=IF(ISNUMBER({x}),{x},IF({x}="","",{value}))'


def _finish(expr: str) -> str:
    """Floor 0, cap from the policy sheet: the core's `_finish`."""
    return f"MIN({CAP},MAX(0,{expr}))"


def native_score_formula(direction: str, r: int, lang: str) -> str:
    """The native score formula of KPI row `r`: the actual as read in NUMBER_COL, target G, tolerance H,
    due I (blank: the target, when it is a date above 1)."""
    m = LABELS[lang]
    a, t, tol, due = f"{NUMBER_COL}{r}", f"{COL['target']}{r}", f"{COL['tolerance']}{r}", f"{COL['due']}{r}"
    if direction not in ("higher", "lower", "within", "milestone"):
        raise KpiInputError(f"direction {direction!r} is not one of higher, lower, within, milestone")
    start = f'=IF({a}="","",IF(NOT(ISNUMBER({a})),{quote(m["msg_not_number"])},'
    if direction == "milestone":
        # Done: 1 (or a done word), or a completion date whose day is on or before the due date.
        by_date = (f"OR({a}=1,AND({a}>1,ISNUMBER({due}),INT({a})<={due}),"
                   f"AND({a}>1,NOT(ISNUMBER({due})),ISNUMBER({t}),{t}>1,INT({a})<={t}))")
        return f"{start}MIN({CAP},IF({by_date},100,0))))"
    # A target or tolerance typed over as text (the sheet unprotected): words, never a number.
    start += (f"IF(NOT(ISNUMBER({t})),IF(TRIM({t})=\"\",{quote(m['msg_target_blank'])},"
              f"{quote(m['msg_target_text'])}),")
    if direction == "higher":
        body = _finish(f"{a}/{t}*100")
        return f"{start}IF({t}=0,{quote(m['msg_target_zero'])},{body}))))"
    if direction == "lower":
        ratio = f'{C.POLICY_LOWER_METHOD}="ratio"'
        body = _finish(f"IF({t}=0,IF({a}<=0,100,0),IF({ratio},{t}/{a}*100,(2-{a}/{t})*100))")
        return f"{start}IF(AND({t}<>0,{ratio},{a}<=0),{quote(m['msg_ratio'])},{body}))))"
    gap = f"ABS({a}-{t})"
    # A blank tolerance is 0. Not N(): Gnumeric's N() of an empty cell is #NUM!.
    text_tol = f'AND(NOT(ISNUMBER({tol})),TRIM({tol})<>"")'
    tol = f"IF(ISNUMBER({tol}),{tol},0)"
    body = _finish(f"IF({gap}<={tol},100,100-100*({gap}-{tol})/ABS({t}))")
    return (f"{start}IF({text_tol},{quote(m['msg_tolerance_text'])},IF({tol}<0,{quote(m['msg_tolerance'])},"
            f"IF({t}=0,{quote(m['msg_target_zero'])},{body}))))))")


def udf_score_formula(r: int) -> str:
    """The cell-function score formula of KPI row `r`: =KPI_SCORE(actual, target, direction, tolerance,
    due, policy), the policy being the Policy sheet's block, so its cap and lower method count."""
    cells = ",".join(f"{COL[c]}{r}" for c in ("actual", "target", "direction", "tolerance", "due"))
    return f"=KPI_SCORE({cells},{C.POLICY_TABLE})"


def final_formula(r: int, formulas: str) -> str:
    """KPI row `r`'s final score: weight x score / 100, blank while the score is blank or a message."""
    if formulas == "udf":
        return f"=KPI_FINAL({COL['weight']}{r},{COL['score']}{r})"
    return f'=IF(ISNUMBER({COL["score"]}{r}),{COL["weight"]}{r}*{COL["score"]}{r}/100,"")'


# How many KPI rows have a score or a message. `<>""` rather than LEN(...)>0: Gnumeric would take
# LEN of one cell of the range, not of each.
REPORTED = f'SUMPRODUCT(--({C.KPI_SCORE}<>""))'


def result_formulas(formulas: str, lang: str, n: int) -> tuple[str, ...]:
    """The result cells, top to bottom: KPI value, level, label, bonus multiple, raise, rows reported
    ("5 of 7"). The results stay blank until a first actual is typed: a fresh scorecard shows no
    "Far Below Target"."""
    m = LABELS[lang]
    reported = f"={REPORTED}&{quote(m['reported_of'].format(n=n))}"
    if formulas == "udf":
        columns = ",".join((C.KPI_WEIGHT, C.KPI_ACTUAL, C.KPI_TARGET, C.KPI_DIRECTION, C.KPI_TOLERANCE,
                            C.KPI_DUE, C.POLICY_TABLE))
        value = f"ISNUMBER({C.KPI_VALUE})"
        return (
            f'=IF({REPORTED}=0,"",KPI_VALUE({columns}))',
            f'=IF({value},KPI_BAND({C.KPI_VALUE},{C.POLICY_TABLE}),"")',
            f'=IF({value},KPI_LABEL({C.KPI_VALUE},"{lang}",{C.POLICY_TABLE}),"")',
            f'=IF({value},KPI_BONUS({C.KPI_VALUE},1,{C.POLICY_TABLE}),"")',
            f'=IF({value},KPI_RAISE({C.KPI_VALUE},{C.POLICY_TABLE}),"")',
            reported,
        )
    return (
        f'=IF({REPORTED}=0,"",IF({C.TOTAL_WEIGHT}=0,{quote(m["msg_weights_zero"])},'
        f"{C.TOTAL_FINAL}/{C.TOTAL_WEIGHT}*100))",
        *band_formulas(C.KPI_VALUE, C.LEVEL, formulas, lang),
        reported,
    )


def band_formulas(value: str, level_cell: str, formulas: str, lang: str) -> tuple[str, str, str, str]:
    """The level, label, bonus multiple and raise of the value in the cell named `value` (the KPI value
    or the final rating), the level being in the cell named `level_cell`; blank while the value is."""
    if formulas == "udf":
        ok = f"ISNUMBER({value})"
        return (f'=IF({ok},KPI_BAND({value},{C.POLICY_TABLE}),"")',
                f'=IF({ok},KPI_LABEL({value},"{lang}",{C.POLICY_TABLE}),"")',
                f'=IF({ok},KPI_BONUS({value},1,{C.POLICY_TABLE}),"")',
                f'=IF({ok},KPI_RAISE({value},{C.POLICY_TABLE}),"")')
    # The level: 1 + the number of thresholds below the rounded value (lower bounds exclusive, the
    # lowest band's threshold blank), the core's band_for. A blank or text threshold counts for none.
    below = f'({C.POLICY_THRESHOLDS}<>"")*({C.POLICY_THRESHOLDS}<ROUND({value},6))'
    level = f"INDEX({C.POLICY_LEVELS},SUMPRODUCT({below})+1)"
    return (f'=IF(ISNUMBER({value}),{level},"")',
            *(f'=IF(ISNUMBER({level_cell}),INDEX({rng},MATCH({level_cell},{C.POLICY_LEVELS},0)),"")'
              for rng in (C.POLICY_LABELS, C.POLICY_BONUS, C.POLICY_RAISE)))  # type: ignore[return-value]


# --- competencies and the final rating ---------------------------------------------------------------
# Native mode adds the competency result up in two hidden helper cells per competency row, so only SUM
# meets the ranges: the rating's weighted percent (0 while unrated) and its weight (0 while unrated).


def _number_or(cell: str, default: str = "0") -> str:
    return f"IF(ISNUMBER({cell}),{cell},{default})"


def competency_percent_formula(rating: str) -> str:
    """A supervisor rating in percent: rating / the scale's "meets" x 100 (`competency_percent`)."""
    return f'=IF(ISNUMBER({rating}),{rating}/{C.POLICY_SCALE_MEETS}*100,"")'


def competency_helper_formulas(rating: str, weight: str, weighted: bool) -> tuple[str, str]:
    """The hidden (weighted percent, weight) of one competency row; weight 1 each when none is given."""
    w = weight if weighted else "1"
    return (f"=IF(ISNUMBER({rating}),{w}*{rating}/{C.POLICY_SCALE_MEETS}*100,0)",
            f"=IF(ISNUMBER({rating}),{w},0)")


def competency_score_formula(formulas: str, n: int, weighted: bool, helpers: tuple[str, str]) -> str:
    """The competency result (`competency_score`): blank until all `n` competencies have a supervisor
    rating, so the final rating never stands on half the ratings."""
    done = f"COUNT({C.COMPETENCY_SUPERVISOR})<{n}"
    if formulas == "udf":  # no weights: the argument left out, the competencies count equally
        weights = C.COMPETENCY_WEIGHT if weighted else ""
        return f'=IF({done},"",KPI_COMPETENCY({C.COMPETENCY_SUPERVISOR},{weights},{C.POLICY_TABLE}))'
    part, total = helpers
    return f'=IF({done},"",IF(SUM({total})=0,"",ROUND(SUM({part})/SUM({total}),6)))'


def attendance_formula(lang: str) -> str:
    """Days present / working days in percent, capped at 100 (`attendance_percent`); blank until both."""
    m = LABELS[lang]
    p, d = C.ATTENDANCE_PRESENT, C.ATTENDANCE_DAYS
    return (f'=IF(OR(NOT(ISNUMBER({p})),NOT(ISNUMBER({d}))),"",IF(OR({d}<=0,{p}<0),'
            f'{quote(m["msg_days"])},ROUND(MIN(100,{p}/{d}*100),6)))')


def final_rating_formula(formulas: str, components: tuple[str, ...]) -> str:
    """The final rating (`final_rating`): the policy sheet's weights over the components on the sheet;
    blank while a weighed component is."""
    cells = {"kpi": C.KPI_VALUE, "competencies": C.COMPETENCY_SCORE, "attendance": C.ATTENDANCE_PERCENT}
    if formulas == "udf":
        args = ",".join(cells[c] if c in components else '""' for c in ("kpi", "competencies", "attendance"))
        return f"=KPI_RATING({args},{C.POLICY_TABLE})"
    weights = {"kpi": C.POLICY_WEIGHT_KPI, "competencies": C.POLICY_WEIGHT_COMPETENCIES,
               "attendance": C.POLICY_WEIGHT_ATTENDANCE}
    w = {c: _number_or(weights[c]) for c in components}
    blank = ",".join(f"AND({w[c]}>0,NOT(ISNUMBER({cells[c]})))" for c in components)
    total = "+".join(w[c] for c in components)
    weighted = "+".join(f"{w[c]}*{_number_or(cells[c])}" for c in components)
    return f'=IF(OR({blank}),"",IF({total}=0,"",ROUND(({weighted})/({total}),6)))'


def milestone_validation_formula(cell: str) -> str:
    """The data validation of a milestone's actual cell: a number (1, 0, a date), TRUE/FALSE, or a
    done / not done word."""
    word = f"LOWER(TRIM({cell}))"
    return (f"OR(ISNUMBER({cell}),ISLOGICAL({cell}),SUMPRODUCT(--({C.MILESTONE_DONE}={word}))>0,"
            f"SUMPRODUCT(--({C.MILESTONE_NOT_DONE}={word}))>0)")
