"""Time expressions resolved against the publication date (2026-03-10, a Tuesday)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storylens.models import ArticleAnnotations

Annotate = Callable[..., ArticleAnnotations]


def _date(ann: ArticleAnnotations, expression: str) -> tuple[str | None, str | None, str]:
    d = next(d for d in ann.dates if expression in d.text or d.text in expression)
    return d.value, d.end_value, d.granularity


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ("The minister said on Friday that talks had stalled.", "Friday", "2026-03-06"),
        ("The two leaders will meet on Thursday in Velgrad.", "Thursday", "2026-03-12"),
        ("Protesters gathered late Sunday outside parliament.", "Sunday", "2026-03-08"),
        ("Shelling resumed on Sunday night, residents said.", "Sunday night", "2026-03-08"),
        ("The council voted on Tuesday (March 3) to close the bridge.", "Tuesday", "2026-03-03"),
        ("The verdict is expected on Friday.", "Friday", "2026-03-13"),
        ("The vote took place on Tuesday.", "Tuesday", "2026-03-10"),
    ],
)
def test_weekdays_follow_tense(annotate: Annotate, text: str, expression: str, value: str) -> None:
    assert _date(annotate(text), expression)[0] == value


def test_last_week_is_a_range_and_recent_weeks_is_vague(annotate: Annotate) -> None:
    ann = annotate("Prices rose last week. In recent weeks, dozens of families have left.")
    assert _date(ann, "last week") == ("2026-03-02", "2026-03-08", "range")
    assert _date(ann, "recent weeks")[0] is None


def test_without_publication_date_values_stay_empty_unless_text_has_a_full_date(annotate: Annotate) -> None:
    assert _date(annotate("The ceasefire took effect on Friday.", published=None), "Friday")[0] is None
    ann = annotate("The agreement was signed on March 3, 2026. Fighting resumed on Friday.", published=None)
    assert _date(ann, "March 3, 2026")[0] == "2026-03-03"
    assert _date(ann, "Friday")[0] == "2026-02-27"


def test_dates_do_not_become_quantities(annotate: Annotate) -> None:
    ann = annotate("The treaty was signed on 14 November 2025.")
    assert _date(ann, "14 November 2025")[0] == "2025-11-14"
    assert not any(q.value in {14.0, 2025.0} for q in ann.quantities)
