"""Fictional articles for the story clusterer tests (invented places, people and events)."""

from __future__ import annotations

import pytest

from storylens.cluster import ClusterItem


def item(
    id: str, title: str, text: str, source: str, published: str | None, duplicate_of: str | None = None
) -> ClusterItem:
    return ClusterItem(
        id=id, title=title, text=text, source=source, published=published, duplicate_of=duplicate_of
    )


QUAKE_ONE_A = item(
    "q1-harbour",
    "Strong earthquake shakes Marenport on the Veloria coast",
    "A magnitude 6.8 earthquake struck near Marenport early on Tuesday, collapsing two warehouses in the "
    "old harbour and cutting power to much of the Veloria coast. The Veloria Seismic Institute said the "
    "quake was centred 12 kilometres off shore. Mayor Ilsa Brandt said rescue teams had pulled four people "
    "from the rubble of the Marenport fish market.",
    "Harbour Gazette",
    "2031-03-04T06:10:00Z",
)
QUAKE_ONE_B = item(
    "q1-courier",
    "Marenport quake: four rescued from collapsed fish market",
    "Rescuers in Marenport freed four people from the ruins of the fish market after Tuesday's 6.8 "
    "magnitude earthquake, Mayor Ilsa Brandt told reporters. The Veloria Seismic Institute recorded more "
    "than thirty aftershocks along the coast, and the harbour remained closed to shipping while engineers "
    "checked the quays.",
    "Coastal Courier",
    "2031-03-04T15:40:00Z",
)
QUAKE_TWO = item(
    "q2-highland",
    "Earthquake rocks Dunmore highlands, landslides block mountain roads",
    "A magnitude 6.1 earthquake hit the Dunmore highlands of Kestrava on Friday, triggering landslides that "
    "blocked the Pass of Orrin and cut off three villages. Governor Tomas Elgard said army helicopters were "
    "flying food and blankets to the village of Hollin. The Kestrava Geological Office said the quake was "
    "shallow and centred beneath Lake Vara.",
    "Highland Herald",
    "2031-04-18T09:00:00Z",
)
BUDGET = item(
    "budget-1",
    "Veloria parliament passes school budget after all-night session",
    "The Veloria parliament approved a new school budget on Wednesday after an all-night debate. Finance "
    "minister Petra Lund said the plan adds 900 teachers over four years and repairs 120 school roofs. The "
    "opposition Green Harbour party voted against, calling the plan too small.",
    "Capital Daily",
    "2031-03-05T08:00:00Z",
)


@pytest.fixture
def quake_items() -> list[ClusterItem]:
    return [QUAKE_ONE_A, QUAKE_ONE_B, QUAKE_TWO, BUDGET]
