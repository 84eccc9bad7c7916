"""Reading categories: a public list, their parents, and an item's category."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient

CATEGORIES_QUERY = """
query Categories($filter: CategoryFilter, $orderBy: [CategoryOrder!], $search: String) {
  categories(first: 50, filter: $filter, orderBy: $orderBy, search: $search) {
    totalCount
    nodes { name weight parent { name } }
  }
}
"""

ITEM_CATEGORY_QUERY = """
query { items(first: 1) { nodes { category { id name parent { name } } } } }
"""


def names(data: dict[str, Any]) -> list[str]:
    return [node["name"] for node in data["categories"]["nodes"]]


async def _category(
    session: AsyncSession, name: str, weight: int = 0, parent: models.Category | None = None
) -> models.Category:
    category = models.Category(
        name=name, weight=weight, parent_id=parent.id if parent is not None else None
    )
    session.add(category)
    await session.flush()
    return category


async def test_anyone_lists_categories_by_weight_then_name(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    stamps = await _category(session, "Stamps", weight=1)
    await _category(session, "Coins", weight=2)
    await _category(session, "Airmail", weight=1, parent=stamps)

    # when
    data = await graphql.data(CATEGORIES_QUERY)

    # then
    assert data["categories"]["totalCount"] == 3
    assert data["categories"]["nodes"] == [
        {"name": "Airmail", "weight": 1, "parent": {"name": "Stamps"}},
        {"name": "Stamps", "weight": 1, "parent": None},
        {"name": "Coins", "weight": 2, "parent": None},
    ]


async def test_categories_filter_by_parent_sort_and_search(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    stamps = await _category(session, "Stamps")
    await _category(session, "Airmail", parent=stamps)
    await _category(session, "Zeppelin mail", parent=stamps)
    await _category(session, "Coins")

    # when
    children = await graphql.data(
        CATEGORIES_QUERY,
        {
            "filter": {"parentId": {"eq": str(relay.GlobalID("Category", str(stamps.id)))}},
            "orderBy": [{"field": "NAME", "direction": "DESC"}],
        },
    )
    searched = await graphql.data(CATEGORIES_QUERY, {"search": "mail"})

    # then
    assert names(children) == ["Zeppelin mail", "Airmail"]
    assert names(searched) == ["Airmail", "Zeppelin mail"]


async def test_item_shows_its_category(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    stamps = await _category(session, "Stamps")
    airmail = await _category(session, "Airmail", parent=stamps)
    await factories.create_item(session, category_id=airmail.id)

    # when
    data = await graphql.data(ITEM_CATEGORY_QUERY)

    # then
    assert data["items"]["nodes"] == [
        {
            "category": {
                "id": str(relay.GlobalID("Category", str(airmail.id))),
                "name": "Airmail",
                "parent": {"name": "Stamps"},
            }
        }
    ]
