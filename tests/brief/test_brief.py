"""The cross-source brief on hand-built fictional stories with hand-made annotations."""

from __future__ import annotations

import jsonschema

from storylens.align.conflicts import compatible
from storylens.models import Quantity
from storylens.schemas import load_schema
from tests.brief.helpers import annotate, article, brief_of

LAKE = [("Lakeport", "GPE", "e-lakeport")]


def q(value: float, qualifier: str = "exact", unit: str = "protesters") -> Quantity:
    return Quantity("x", 0, 1, value=value, unit=unit, qualifier=qualifier)  # type: ignore[arg-type]


def _march(figure_a: str, value_a: float, qual_a: str, figure_b: str, value_b: float, qual_b: str):  # type: ignore[no-untyped-def]
    a = article(
        "a1",
        "Harbor Ledger",
        f"Police said {figure_a} protesters marched through Lakeport on Saturday. "
        "The march ended peacefully at the harbour.",
        published="2026-03-08T10:00:00Z",
    )
    b = article(
        "b1",
        "Northgate Post",
        f"Police said {figure_b} protesters marched through Lakeport on Saturday. "
        "Shops along the route stayed closed all day.",
        published="2026-03-08T12:00:00Z",
    )
    anns = [
        annotate(
            a,
            entities=LAKE,
            quantities=[(f"{figure_a} protesters", value_a, "protesters", qual_a)],
            dates=[("Saturday", "2026-03-07")],
        ),
        annotate(
            b,
            entities=LAKE,
            quantities=[(f"{figure_b} protesters", value_b, "protesters", qual_b)],
            dates=[("Saturday", "2026-03-07")],
        ),
    ]
    return brief_of([a, b], anns)


def test_qualifiers_define_compatible_values() -> None:
    assert compatible(q(40000, "more_than"), q(40000))
    assert compatible(q(40000, "about"), q(38000))
    assert not compatible(q(10, "at_least"), q(8))
    assert not compatible(q(40000), q(25000))


def test_more_than_and_exact_figure_are_no_conflict() -> None:
    brief = _march("more than 40,000", 40000, "more_than", "40,000", 40000, "exact")
    assert brief.conflicts == ()
    top = brief.facts[0]
    assert top.status == "corroborated" and top.independent_sources == 2


def test_different_figures_are_a_number_conflict_with_both_values() -> None:
    brief = _march("40,000", 40000, "exact", "25,000", 25000, "exact")
    assert [c.kind for c in brief.conflicts] == ["number"]
    values = {e.value for e in brief.conflicts[0].evidence}
    assert values == {"40,000 protesters", "25,000 protesters"}
    assert {e.article for e in brief.conflicts[0].evidence} == {"a1", "b1"}
    conflicting = [f for f in brief.facts if f.status == "conflicting"]
    assert conflicting and set(brief.conflicts[0].facts) <= {f.id for f in conflicting}


def test_wire_copies_count_once() -> None:
    text = (
        "Firefighters contained a forest fire near Alder Ridge on Thursday after two days of work. "
        "No homes were damaged by the flames, the fire service said."
    )
    wire = article("w1", "Coast Wire", text, published="2026-03-05T08:00:00Z")
    copy = article("c1", "Harbor Ledger", text, published="2026-03-05T09:00:00Z", duplicate_of="w1")
    other = article(
        "o1",
        "Valley Courier",
        "Firefighters contained the forest fire near Alder Ridge on Thursday "
        "after two days of work. Residents returned home in the evening.",
        published="2026-03-05T10:00:00Z",
    )
    ents = [("Alder Ridge", "LOC", "e-alder")]
    anns = [annotate(x, entities=ents) for x in (wire, copy, other)]
    brief = brief_of([wire, copy, other], anns)
    by_text = {f.text.split()[0]: f for f in brief.facts}
    fire = by_text["Firefighters"]
    assert set(fire.articles) == {"w1", "c1", "o1"} and fire.independent_sources == 2
    homes = by_text["No"]
    assert set(homes.articles) == {"w1", "c1"}
    assert homes.independent_sources == 1 and homes.status == "single_source"
    assert [a.independent for a in brief.articles] == [True, False, True]


def test_negation_conflict() -> None:
    a = article(
        "a1",
        "Harbor Ledger",
        "Foreign minister Dana Kors confirmed the talks with the Ardenian delegation "
        "in Vellmar. The meeting lasted three hours.",
        published="2026-03-08T10:00:00Z",
    )
    b = article(
        "b1",
        "Civic Times",
        "Foreign minister Dana Kors denied that any talks with the Ardenian delegation "
        "took place in Vellmar. Her office called the reports speculation.",
        published="2026-03-08T11:00:00Z",
    )
    ents = [
        ("Dana Kors", "PERSON", "e-kors"),
        ("Vellmar", "GPE", "e-vellmar"),
        ("Ardenian", "NORP", "e-arden"),
    ]
    brief = brief_of([a, b], [annotate(a, entities=ents), annotate(b, entities=ents)])
    assert [c.kind for c in brief.conflicts] == ["negation"]
    values = [e.value for e in brief.conflicts[0].evidence]
    assert any(v.startswith("asserts:") for v in values) and any(v.startswith("denies:") for v in values)


def test_misattributed_quote() -> None:
    words = "“We will rebuild every home that the flood destroyed,”"
    a = article(
        "a1", "Harbor Ledger", f"{words} said Mayor Anton Brel. Volunteers arrived from nearby towns."
    )
    b = article(
        "b1", "Northgate Post", f"{words} said Governor Ilse Marek. Insurance claims are expected to rise."
    )
    quote = "We will rebuild every home that the flood destroyed,"
    anns = [
        annotate(
            a,
            entities=[("Anton Brel", "PERSON", "e-brel")],
            quotes=[(quote, "Anton Brel", "e-brel", "direct")],
        ),
        annotate(
            b,
            entities=[("Ilse Marek", "PERSON", "e-marek")],
            quotes=[(quote, "Ilse Marek", "e-marek", "direct")],
        ),
    ]
    brief = brief_of([a, b], anns)
    assert [qt.match for qt in brief.quotes] == ["misattributed"]
    assert {v.speaker for v in brief.quotes[0].versions} == {"Anton Brel", "Ilse Marek"}
    attribution = [c for c in brief.conflicts if c.kind == "attribution"]
    assert len(attribution) == 1 and {e.value for e in attribution[0].evidence} == {
        "Anton Brel",
        "Ilse Marek",
    }


def test_same_quote_same_speaker_is_verbatim() -> None:
    quote = "We will rebuild every home that the flood destroyed"
    a = article("a1", "Harbor Ledger", f"“{quote},” said Mayor Anton Brel on Monday.")
    b = article("b1", "Civic Times", f"Mayor Anton Brel promised help: “{quote}.”")
    ents = [("Anton Brel", "PERSON", "e-brel")]
    anns = [annotate(x, entities=ents, quotes=[(quote, "Anton Brel", "e-brel", "direct")]) for x in (a, b)]
    brief = brief_of([a, b], anns)
    assert [qt.match for qt in brief.quotes] == ["verbatim"] and brief.conflicts == ()


def test_agreeing_outlets_have_no_conflicts() -> None:
    texts = [
        (
            "Harbor Ledger",
            "The city closed the Old Mill bridge on Monday after engineers found cracks in its main span. "
            "Transport commissioner Ana Ruiz said the closure would last three weeks. No one was hurt.",
        ),
        (
            "Northgate Post",
            "Engineers found cracks in the main span of the Old Mill bridge, and the city shut it on Monday. "
            "The closure will last three weeks, Ana Ruiz said. Nobody was injured.",
        ),
        (
            "Riverbend Herald",
            "Ferries will run every twenty minutes while the Old Mill bridge is closed. "
            "Commissioner Ana Ruiz said the bridge would stay closed for three weeks.",
        ),
    ]
    arts = [article(f"x{i}", s, t, published=f"2026-03-09T1{i}:00:00Z") for i, (s, t) in enumerate(texts)]
    ents = [("Old Mill bridge", "FAC", "e-bridge"), ("Ana Ruiz", "PERSON", "e-ruiz")]
    anns = [
        annotate(x, entities=ents, dates=[("Monday", "2026-03-09")] if "Monday" in x.text else [])
        for x in arts
    ]
    brief = brief_of(arts, anns)
    assert brief.conflicts == ()
    assert any(f.status == "corroborated" and f.independent_sources == 3 for f in brief.facts)


def test_timeline_is_ordered_and_cites_expressions() -> None:
    a = article(
        "a1",
        "Harbor Ledger",
        "The council approved the Redfield library plan on March 2, 2026. "
        "Construction of the library began on March 20, 2026.",
        published="2026-03-21T10:00:00Z",
    )
    b = article(
        "b1",
        "Civic Times",
        "Builders broke ground for the Redfield library on March 20, 2026. "
        "The design competition closed on January 15, 2026.",
        published="2026-03-21T12:00:00Z",
    )
    anns = [
        annotate(a, dates=[("March 2, 2026", "2026-03-02"), ("March 20, 2026", "2026-03-20")]),
        annotate(b, dates=[("March 20, 2026", "2026-03-20"), ("January 15, 2026", "2026-01-15")]),
    ]
    brief = brief_of([a, b], anns)
    days = [e.date for e in brief.timeline]
    assert days == sorted(days) and days[0] == "2026-01-15" and "2026-03-02" in days
    assert all(e.evidence and e.text for e in brief.timeline)
    assert brief.timeline[0].evidence[0].expression == "January 15, 2026"


def _story(texts: list[tuple[str, str]] | None = None):  # type: ignore[no-untyped-def]
    """Articles of one outlet each (outlet, text) about the Old Mill bridge, with annotations."""
    texts = texts or [
        (
            "Harbor Ledger",
            "The city closed the Old Mill bridge on Monday after engineers found cracks in its main span. "
            "Subscribe to our newsletter for daily updates. Residents of the harbour district complained about detours.",
        ),
        (
            "Northgate Post",
            "Engineers found cracks in the main span of the Old Mill bridge, and the city shut it on Monday. "
            "Ferries will run every twenty minutes from Tuesday morning.",
        ),
        (
            "Riverbend Herald",
            "The Old Mill bridge was closed on Monday after engineers discovered cracks in the main span. "
            "Buses will be rerouted through the northern ring road.",
        ),
    ]
    arts = [
        article(f"x{i}", s, t, published=f"2026-03-09T1{i}:00:00Z", url=f"https://example.org/{i}")
        for i, (s, t) in enumerate(texts)
    ]
    anns = [annotate(x, entities=[("Old Mill bridge", "FAC", "e-bridge")]) for x in arts]
    return arts, anns


def test_summary_cites_every_article_of_its_fact_and_is_deterministic() -> None:
    arts, anns = _story()
    first = brief_of(arts, anns, summary_sentences=3)
    second = brief_of(list(reversed(arts)), list(reversed(anns)), summary_sentences=3)
    assert first.to_json() == second.to_json()
    assert 1 <= len(first.summary) <= 3
    lead = first.summary[0]
    assert lead.text.startswith("The city closed") and lead.articles == ("x0", "x1", "x2")
    assert all("newsletter" not in s.text for s in first.summary)
    assert len(brief_of(arts, anns, summary_sentences=1).summary) == 1


def test_json_validates_against_the_schema() -> None:
    arts, anns = _story()
    brief = brief_of(arts, anns)
    jsonschema.validate(brief.to_dict(), load_schema("brief-1"))
    conflict = _march("40,000", 40000, "exact", "25,000", 25000, "exact")
    jsonschema.validate(conflict.to_dict(), load_schema("brief-1"))
    assert brief.story.title == "Harbor Ledger report"


def test_summary_leaves_out_sentences_whose_subject_is_in_the_sentence_before() -> None:
    texts = [
        (
            "Harbor Ledger",
            "Mayor Ilse Varga closed the Old Mill bridge on Monday. "
            "She said the repairs would cost about two million euros and take at least three weeks.",
        ),
        (
            "Northgate Post",
            "Mayor Ilse Varga shut the Old Mill bridge on Monday. "
            "They will decide next month whether the tram line can cross the bridge again.",
        ),
        (
            "Riverbend Herald",
            "Engineers found cracks in the main span of the Old Mill bridge during an inspection, the mayor said. "
            "Ferries will run every twenty minutes from Tuesday morning.",
        ),
    ]
    summary = brief_of(*_story(texts), summary_sentences=5).summary
    # five asked for, so each candidate that says something new is chosen, but none that opens with
    # "She" or "They" (without the rule, the single-source "She said the repairs ..." is)
    first_words = [s.text.split()[0] for s in summary]
    assert first_words[0] == "Mayor" and "Ferries" in first_words
    assert "She" not in first_words and "They" not in first_words


def test_a_fact_is_worded_by_an_outlet_that_names_its_subject() -> None:
    texts = [
        (
            "Harbor Ledger",
            "Mayor Ilse Varga closed the Old Mill bridge on Monday after engineers found cracks in its main span. "
            "She said the repairs on the Old Mill bridge would cost about two million euros.",
        ),
        (
            "Northgate Post",
            "The Old Mill bridge was closed on Monday after cracks were found in its main span. "
            "Mayor Ilse Varga said the repairs on the Old Mill bridge would cost about two million euros.",
        ),
    ]
    facts = brief_of(*_story(texts)).facts
    cost = [f for f in facts if "two million euros" in f.text]
    assert len(cost) == 1 and cost[0].status == "corroborated", [f.text for f in facts]
    # the first outlet's "She said ..." is evidence; the fact reads as the outlet that names the mayor
    assert cost[0].text.startswith("Mayor Ilse Varga said")
    assert any(e.sentence.startswith("She said") for e in cost[0].evidence)
