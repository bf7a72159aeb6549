"""A wire dateline ("DRAVIK, March 19 (Meridian Wire) -") tells where copy was filed: never a fact."""

from __future__ import annotations

import storylens

ARTICLES = [
    {
        "id": "wire-1",
        "source": "Meridian Wire",
        "title": "Ministers agree river commission",
        "published": "2026-03-19T18:00:00Z",
        "text": "DRAVIK, March 19 (Meridian Wire) - The foreign ministers of Kastrovia and Meloria agreed "
        "on Thursday to set up a joint river commission after six hours of talks.\n\n"
        "The commission will meet for the first time in April, officials said.",
    },
    {
        "id": "courier-1",
        "source": "Valley Courier",
        "title": "Neighbours set up a commission for the Seran",
        "published": "2026-03-19T20:00:00Z",
        "text": "DRAVIK (Valley Courier) — After six hours of talks, the foreign ministers of Kastrovia and "
        "Meloria agreed on Thursday to set up a joint river commission.\n\n"
        "Farmers on the Lower Plain welcomed the step but said they wanted binding limits.",
    },
]


def test_datelines_are_not_facts_and_the_sentence_after_them_is_kept() -> None:
    brief = storylens.compare(ARTICLES)
    texts = [fact.text for fact in brief.facts]
    assert texts, "no facts"
    assert not any(text.startswith(("DRAVIK", "VELGRAD")) or "(Meridian Wire)" in text for text in texts)
    assert any("joint river commission" in text for text in texts)
    agreed = [f for f in brief.facts if "joint river commission" in f.text]
    assert any(f.status == "corroborated" for f in agreed)
