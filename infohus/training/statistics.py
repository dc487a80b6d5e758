"""The effect of a course run on its questionnaire, as plain arithmetic (no database, no Django).

For each scale question the figures are over paired answers: the participants (not withdrawn)
who gave a number both before and after. The change is after − before. With n pairs:

    mean change  m  = Σ change / n
    spread       sd = √( Σ (change − m)² / (n − 1) )     (the sample standard deviation)
    95% interval    = m ± t · sd / √n                   (t: Student's t, 0.975, n − 1 degrees of freedom)

Overall: each participant's own mean change over the scale questions they answered both times,
then the same figures over those participants. Below MIN_PAIRS pairs nothing is estimated: the
figures would say more than the answers can. These are figures about a run, never about a
person; docs/training-evaluation.md has a worked example computed by hand.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

# Fewer paired answers than this and the page says "too few to tell".
MIN_PAIRS = 5

# Student's t for a two-sided 95% interval (the 0.975 quantile), by degrees of freedom 1–30.
T_975: dict[int, float] = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086,
    21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
}
# Beyond 30 degrees of freedom the normal distribution's value is close enough.
Z_975 = 1.96


def t_975(df: int) -> float:
    if df < 1:
        raise ValueError("A t value needs at least one degree of freedom.")
    return T_975.get(df, Z_975)


class Verdict(StrEnum):
    TOO_FEW = "too_few"
    NO_CLEAR_CHANGE = "no_clear_change"
    ROSE = "rose"
    FELL = "fell"


@dataclass(frozen=True)
class Effect:
    """The figures of one question (or of the overall change). Below MIN_PAIRS only n is set."""

    n: int
    mean_change: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    mean_before: float | None = None
    mean_after: float | None = None

    @property
    def verdict(self) -> Verdict:
        if self.n < MIN_PAIRS or self.low is None or self.high is None:
            return Verdict.TOO_FEW
        if self.low <= 0 <= self.high:
            return Verdict.NO_CLEAR_CHANGE
        return Verdict.ROSE if self.low > 0 else Verdict.FELL

    @property
    def too_few(self) -> bool:
        return self.verdict == Verdict.TOO_FEW

    @property
    def needed(self) -> int:
        return MIN_PAIRS

    @property
    def size(self) -> float | None:
        """How far the answers moved, without its direction (for "rose by 1.5")."""
        return abs(self.mean_change) if self.mean_change is not None else None


def _clean_zero(value: float) -> float:
    # -0.0 would print as "-0.00".
    return value + 0.0


def effect_of(changes: Sequence[float], *, before: Sequence[float] = (), after: Sequence[float] = ()) -> Effect:
    """The figures for a list of changes (and, where given, the paired values they came from)."""
    n = len(changes)
    if n < MIN_PAIRS:
        return Effect(n=n)
    mean = math.fsum(changes) / n
    sd = math.sqrt(math.fsum((c - mean) ** 2 for c in changes) / (n - 1))
    half = t_975(n - 1) * sd / math.sqrt(n)
    return Effect(
        n=n, mean_change=_clean_zero(mean), sd=sd, low=_clean_zero(mean - half), high=_clean_zero(mean + half),
        mean_before=math.fsum(before) / len(before) if before else None,
        mean_after=math.fsum(after) / len(after) if after else None,
    )


@dataclass(frozen=True)
class QuestionEffect:
    key: str
    label: str
    effect: Effect


@dataclass(frozen=True)
class RunEffect:
    questions: list[QuestionEffect]
    overall: Effect
    participants: int  # enrolments (not withdrawn) with answers both before and after

    @property
    def drawable(self) -> list[QuestionEffect]:
        """The questions with enough pairs to draw."""
        return [q for q in self.questions if not q.effect.too_few]


def _number(value: Any) -> int | None:
    # Scale answers are whole numbers 0–10 (the engine cleans them); anything else is not a number.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def run_effect_of(questions: Iterable[tuple[str, str]],
                  pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> RunEffect:
    """The effect per question and overall.

    questions: (key, label) of the scale questions, in the order of the questionnaire.
    pairs: (answers before, answers after) of each participant who answered both times.
    """
    questions = list(questions)
    pairs = list(pairs)
    per_question: list[QuestionEffect] = []
    own_changes: list[list[float]] = [[] for _ in pairs]
    for key, label in questions:
        changes: list[float] = []
        before: list[float] = []
        after: list[float] = []
        for n, (pre, post) in enumerate(pairs):
            a, b = _number(pre.get(key)), _number(post.get(key))
            if a is None or b is None:
                continue
            before.append(a)
            after.append(b)
            changes.append(b - a)
            own_changes[n].append(b - a)
        per_question.append(QuestionEffect(key=key, label=label, effect=effect_of(changes, before=before,
                                                                                   after=after)))
    participant_means = [math.fsum(own) / len(own) for own in own_changes if own]
    return RunEffect(questions=per_question, overall=effect_of(participant_means), participants=len(pairs))


def rounded(value: float | None, places: int = 2) -> str:
    """A figure as the pages and the documentation show it (half away from zero), or "" for none."""
    if value is None:
        return ""
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(exact + 0)  # + 0 turns -0.00 into 0.00
