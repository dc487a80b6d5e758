"""The arithmetic of the effect (statistics.py), tested directly: no database. Expected figures are
worked out by hand in the comments."""

import math

import pytest

from infohus.training.statistics import (
    MIN_PAIRS,
    T_975,
    Verdict,
    effect_of,
    rounded,
    run_effect_of,
    t_975,
)


def test_the_t_table_holds_the_textbook_values() -> None:
    assert sorted(T_975) == list(range(1, 31))
    assert (T_975[1], T_975[4], T_975[10], T_975[29], T_975[30]) == (12.706, 2.776, 2.228, 2.045, 2.042)
    # The critical value falls as the degrees of freedom grow, towards the normal 1.96.
    values = [T_975[df] for df in range(1, 31)]
    assert values == sorted(values, reverse=True)
    assert t_975(31) == t_975(500) == 1.96
    with pytest.raises(ValueError):
        t_975(0)


def test_fewer_than_five_pairs_estimate_nothing() -> None:
    effect = effect_of([3, 3, 3, 3], before=[1, 1, 1, 1], after=[4, 4, 4, 4])
    assert MIN_PAIRS == 5
    assert effect.n == 4 and effect.needed == 5
    assert (effect.mean_change, effect.sd, effect.low, effect.high, effect.mean_before) == (None,) * 5
    assert effect.verdict == Verdict.TOO_FEW and effect.too_few
    assert effect_of([]).verdict == Verdict.TOO_FEW


def test_five_pairs_use_t_for_four_degrees_of_freedom() -> None:
    # Changes 0..4: mean 2; squares 4+1+0+1+4 = 10; sd = √(10/4) = 1.58114; se = 1.58114/√5 = 0.70711;
    # half-width 2.776 · 0.70711 = 1.96293: 0.03707 to 3.96293.
    effect = effect_of([0, 1, 2, 3, 4], before=[1, 2, 3, 4, 5], after=[1, 3, 5, 7, 9])
    assert effect.n == 5
    assert effect.mean_change == 2
    assert effect.sd == pytest.approx(math.sqrt(2.5))
    assert effect.low == pytest.approx(2 - 2.776 * math.sqrt(2.5) / math.sqrt(5))
    assert (rounded(effect.low), rounded(effect.high)) == ("0.04", "3.96")
    assert (effect.mean_before, effect.mean_after) == (3, 5)
    assert effect.verdict == Verdict.ROSE and effect.size == 2


def test_an_interval_below_zero_is_a_fall() -> None:
    effect = effect_of([-1, -2, -1, -2, -1, -2])
    assert effect.verdict == Verdict.FELL
    assert effect.size == 1.5 and effect.mean_change == -1.5


def test_an_interval_containing_zero_is_no_clear_change() -> None:
    assert effect_of([0, 0, 0, 0, 0]).verdict == Verdict.NO_CLEAR_CHANGE  # sd 0: the interval is just 0
    # Mean 0.4 but a wide spread: 0.4 ± 2.776 · 0.54772 / √5 = −0.28 to 1.08.
    wide = effect_of([0, 1, 0, 1, 0])
    assert wide.low is not None and wide.low < 0 < wide.mean_change  # type: ignore[operator]
    assert wide.verdict == Verdict.NO_CLEAR_CHANGE


def test_a_mean_of_zero_never_shows_as_minus_zero() -> None:
    effect = effect_of([1, -1, 1, -1, 0, 0])
    assert rounded(effect.mean_change) == "0.00"
    assert rounded(-0.0) == "0.00"


def test_rounding_is_half_away_from_zero_as_the_pages_show() -> None:
    assert rounded(0.125) == "0.13"
    assert rounded(-0.125) == "-0.13"
    assert rounded(2.0) == "2.00"
    assert rounded(1.25, 1) == "1.3"
    assert rounded(None) == ""


def test_only_numbers_given_both_times_are_paired() -> None:
    questions = [("a", "Question A"), ("b", "Question B")]
    pairs = [
        ({"a": 2, "b": 5}, {"a": 4, "b": 5}),
        ({"a": 3}, {"a": 4, "b": 9}),           # b not answered before: not a pair for b
        ({"a": 4, "b": "7"}, {"a": 6, "b": 8}),   # a string is not a number
        ({"a": True, "b": 1}, {"a": 5, "b": 2}),  # nor is a boolean
        ({"a": 5, "b": None}, {"a": 5, "b": 3}),
        ({"a": 0, "b": 1}, {"a": 2, "b": 1}),
    ]
    effect = run_effect_of(questions, pairs)
    a, b = effect.questions
    assert (a.key, a.label, b.key) == ("a", "Question A", "b")
    # a: changes 2, 1, 2, 0, 2 (the boolean row left out).
    assert a.effect.n == 5 and a.effect.mean_change == pytest.approx(1.4)
    assert (a.effect.mean_before, a.effect.mean_after) == (pytest.approx(14 / 5), pytest.approx(21 / 5))
    # b: pairs only in rows 1, 4 and 6.
    assert b.effect.n == 3 and b.effect.too_few
    assert effect.participants == 6
    assert [q.key for q in effect.drawable] == ["a"]


def test_overall_is_over_each_participants_own_mean_change() -> None:
    questions = [("a", "A"), ("b", "B"), ("c", "C")]
    pairs = [
        ({"a": 1, "b": 1, "c": 1}, {"a": 4, "b": 1, "c": 1}),  # changes 3, 0, 0: own mean 1
        ({"a": 1, "b": 1}, {"a": 3, "b": 3}),                  # 2, 2: own mean 2 (c not answered)
        ({"a": 5}, {"a": 5}),                                  # 0
        ({"a": 2, "c": 2}, {"a": 4, "c": 6}),                  # 2, 4: own mean 3
        ({"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 2, "c": 2}),  # 1
        ({"b": 3}, {"c": 3}),                                  # nothing paired: not in the overall
    ]
    overall = run_effect_of(questions, pairs).overall
    # Own means 1, 2, 0, 3, 1: mean 7/5 = 1.4; squares 0.16+0.36+1.96+2.56+0.16 = 5.2; sd = √1.3.
    assert overall.n == 5
    assert overall.mean_change == pytest.approx(1.4)
    assert overall.sd == pytest.approx(math.sqrt(1.3))


def test_no_questions_no_pairs() -> None:
    effect = run_effect_of([], [])
    assert effect.questions == [] and effect.participants == 0
    assert effect.overall.verdict == Verdict.TOO_FEW and effect.overall.n == 0
