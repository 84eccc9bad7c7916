"""Demo vocabularies and which demo lots, clients and sales are filed under which terms.

Pure: links name their owner by position (1-based, as ``DemoData``) and their term by
vocabulary and name; ``domain.demo.loader`` turns them into rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from domain.demo.builder import DemoData

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "countries": (
        "France",
        "Germany",
        "Italy",
        "United Kingdom",
        "United States",
        "Japan",
        "China",
        "Switzerland",
    ),
    "item_tags": ("Highlight", "Fresh to market", "No reserve", "Signed", "Museum quality"),
    "topics": ("Animals", "Architecture", "Portraits", "Landscapes", "Ships", "Royalty"),
    "mediums": ("Oil on canvas", "Watercolour", "Bronze", "Porcelain", "Silver", "Gold", "Paper"),
    "destinations": ("Europe", "North America", "Asia", "Worldwide"),
    "collectible_types": ("Single piece", "Pair", "Set", "Collection"),
    "departments": (
        "Fine Art",
        "Decorative Arts",
        "Jewellery & Watches",
        "Asian Art",
        "Books & Manuscripts",
        "Coins & Medals",
        "Collectibles",
    ),
    "bid_steps": ("Standard", "Fine art", "Low value"),
    "catalogs": ("Spring catalogue", "Summer catalogue", "Autumn catalogue", "Winter catalogue"),
    "interests": (
        "Old Masters",
        "Modern Art",
        "Silver",
        "Watches",
        "Asian Ceramics",
        "Rare Books",
        "Coins",
        "Wine",
    ),
    "client_sources": ("Website", "Referral", "Auction fair", "Catalogue mailing", "Walk-in"),
}


@dataclass(frozen=True, slots=True)
class Link:
    """Owner ``owner`` (table name) at ``position`` gets term ``name`` of ``vocabulary`` in
    ``field`` at ``index``."""

    owner: str
    position: int
    field: str
    index: int
    vocabulary: str
    name: str


def _pick(rng: random.Random, vocabulary: str, count: int) -> list[str]:
    return rng.sample(VOCABULARIES[vocabulary], count)


def term_links(data: DemoData, seed: int) -> list[Link]:
    """A seeded mix: every lot a country, some lots tags, topics, mediums and a collectible
    type; some clients interests and a source; every sale departments, a catalogue and bid
    steps."""
    rng = random.Random(seed * 7919)
    links: list[Link] = []

    def add(owner: str, position: int, field: str, vocabulary: str, names: list[str]) -> None:
        links.extend(
            Link(owner, position, field, index, vocabulary, name)
            for index, name in enumerate(names)
        )

    for position in range(1, len(data.items) + 1):
        add("items", position, "country", "countries", _pick(rng, "countries", 1))
        if rng.random() < 0.3:
            add("items", position, "tags", "item_tags", _pick(rng, "item_tags", rng.randint(1, 2)))
        if rng.random() < 0.3:
            add("items", position, "topics", "topics", _pick(rng, "topics", 1))
        if rng.random() < 0.4:
            add("items", position, "mediums", "mediums", _pick(rng, "mediums", 1))
        if rng.random() < 0.2:
            add("items", position, "destinations", "destinations", _pick(rng, "destinations", 1))
        if rng.random() < 0.2:
            add("items", position, "collectible_type", "collectible_types", ["Single piece"])
    for position in range(1, len(data.clients) + 1):
        if rng.random() < 0.5:
            names = _pick(rng, "interests", rng.randint(1, 3))
            add("clients", position, "interested_in", "interests", names)
        if rng.random() < 0.6:
            add("clients", position, "source", "client_sources", _pick(rng, "client_sources", 1))
    for position in range(1, len(data.sales) + 1):
        add("sales", position, "departments", "departments", _pick(rng, "departments", 2))
        add("sales", position, "catalog", "catalogs", _pick(rng, "catalogs", 1))
        add("sales", position, "bid_steps", "bid_steps", ["Standard"])
    return links
