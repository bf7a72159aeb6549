"""Entity mentions of one article: titles and roles, possessives, hyphenated pairs."""

from __future__ import annotations

from collections.abc import Callable

from storylens.annotate import canonicalize
from storylens.models import ArticleAnnotations

from .conftest import make_article

Annotate = Callable[..., ArticleAnnotations]


def test_role_is_stripped_from_the_name(annotate: Annotate) -> None:
    ann = annotate("Foreign Ministry spokeswoman Maria Zakharova rejected the claim on Friday.")
    person = next(e for e in ann.entities if e.type == "PERSON")
    assert person.text == "Maria Zakharova" and person.role == "Foreign Ministry spokeswoman"
    assert ann.entities[0].start < person.start


def test_title_inside_the_span_becomes_the_role(annotate: Annotate) -> None:
    ann = annotate("President Marta Jovanic opened the new harbour terminal in Velgrad.")
    person = next(e for e in ann.entities if "Jovanic" in e.text)
    assert person.text == "Marta Jovanic" and person.role is not None and "President" in person.role


def test_possessive_and_hyphenated_pair(annotate: Annotate) -> None:
    text = (
        "Chancellor Olaf Scholz met Emmanuel Macron in Berlin. Scholz's aides said the Macron-Scholz "
        "talks went well."
    )
    ann = annotate(text)
    texts = [e.text for e in ann.entities]
    assert "Scholz's" not in texts and texts.count("Scholz") >= 2 and "Macron" in texts
    for e in ann.entities:
        assert text[e.start : e.end] == e.text
    entities, filled = canonicalize([make_article(text)], [ann])
    scholz = next(e for e in entities if "Scholz" in e.variants)
    assert scholz.name == "Olaf Scholz" and scholz.mentions >= 3
    assert all(m.canonical for m in filled[0].entities)
