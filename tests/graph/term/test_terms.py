"""Terms in the graph: term fields of items, clients and sales (read and write), the staff
``terms`` list and the staff term mutations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

TERMS_QUERY = """
query Terms($vocabulary: Vocabulary!, $search: String) {
  terms(vocabulary: $vocabulary, first: 10, search: $search) {
    totalCount
    nodes { name vocabulary weight parent { name } }
  }
}
"""

UPDATE_ITEM = """
mutation Update($input: UpdateItemInput!) {
  updateItem(input: $input) {
    errors { field code message }
    item {
      category { name }
      categories { name }
      tags { id databaseId name vocabulary }
      country { name }
      subSymbol { name }
    }
  }
}
"""

CREATE_TERM = """
mutation Create($input: CreateTermInput!) {
  createTerm(input: $input) {
    errors { field code message }
    term { id databaseId name vocabulary weight parent { name } }
  }
}
"""

UPDATE_TERM = """
mutation Update($input: UpdateTermInput!) {
  updateTerm(input: $input) { errors { field code } term { name weight parent { name } } }
}
"""

DELETE_TERM = """
mutation Delete($input: DeleteTermInput!) {
  deleteTerm(input: $input) { deletedId errors { field code message } }
}
"""


def tid(term: models.Term) -> str:
    return to_base64("Term", term.id)


async def test_staff_update_item_terms_by_global_id(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    coins = await factories.create_category(session, name="Coins")
    maps = await factories.create_category(session, name="Maps")
    rare = await factories.create_term(session, vocabulary="item_tags", name="Rare")
    mint = await factories.create_term(session, vocabulary="item_tags", name="Mint")
    france = await factories.create_term(session, vocabulary="countries", name="France")
    symbol = await factories.create_term(session, vocabulary="sub_symbols", name="**")

    # when
    data = await graphql.data(
        UPDATE_ITEM,
        {
            "input": {
                "id": to_base64("Item", item.id),
                "categories": [to_base64("Category", maps.id), to_base64("Category", coins.id)],
                "tags": [tid(mint), tid(rare), tid(mint)],
                "country": tid(france),
                "subSymbol": [tid(symbol)],
            }
        },
        as_=staff,
    )

    # then
    payload = data["updateItem"]
    assert payload["errors"] == []
    assert payload["item"] == {
        "category": {"name": "Maps"},
        "categories": [{"name": "Maps"}, {"name": "Coins"}],
        "tags": [
            {"id": tid(mint), "databaseId": mint.id, "name": "Mint", "vocabulary": "ITEM_TAGS"},
            {"id": tid(rare), "databaseId": rare.id, "name": "Rare", "vocabulary": "ITEM_TAGS"},
        ],
        "country": {"name": "France"},
        "subSymbol": [{"name": "**"}],
    }


async def test_main_category_id_moves_to_the_front(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    coins = await factories.create_category(session, name="Coins")
    maps = await factories.create_category(session, name="Maps")
    item = await factories.create_item(session, category_id=coins.id)
    await graphql.data(
        UPDATE_ITEM,
        {
            "input": {
                "id": to_base64("Item", item.id),
                "categories": [to_base64("Category", coins.id), to_base64("Category", maps.id)],
            }
        },
        as_=staff,
    )

    # when
    data = await graphql.data(
        UPDATE_ITEM,
        {"input": {"id": to_base64("Item", item.id), "categoryId": to_base64("Category", maps.id)}},
        as_=staff,
    )

    # then
    assert data["updateItem"]["item"]["categories"] == [{"name": "Maps"}, {"name": "Coins"}]
    assert data["updateItem"]["item"]["category"] == {"name": "Maps"}


async def test_a_term_of_another_vocabulary_is_not_found_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session, title="Before")
    tag = await factories.create_term(session, vocabulary="item_tags", name="Tag")
    topic = await factories.create_term(session, vocabulary="topics", name="Topic")

    # when
    data = await graphql.data(
        UPDATE_ITEM,
        {
            "input": {
                "id": to_base64("Item", item.id),
                "title": "After",
                "tags": [tid(tag), tid(topic)],
            }
        },
        as_=staff,
    )

    # then
    assert data["updateItem"] == {
        "errors": [
            {
                "field": "tags.1",
                "code": "NOT_FOUND",
                "message": f"No term with id {topic.id} in item_tags.",
            }
        ],
        "item": None,
    }
    session.expire_all()
    assert (await session.get_one(models.Item, item.id)).title == "Before"


async def test_a_category_id_is_not_a_term_id(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    category = await factories.create_category(session)

    # when
    body = await graphql(
        UPDATE_ITEM,
        {"input": {"id": to_base64("Item", item.id), "tags": [to_base64("Category", category.id)]}},
        as_=staff,
    )

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == "`tags.0` must be the ID of a Term"


async def test_client_and_sale_terms(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(session)
    stamps = await factories.create_category(session, name="Stamps")
    maps = await factories.create_term(session, vocabulary="interests", name="Maps")
    fair = await factories.create_term(session, vocabulary="client_sources", name="Fair")
    coins = await factories.create_term(session, vocabulary="departments", name="Coins")
    steps = await factories.create_term(session, vocabulary="bid_steps", name="Standard")
    spring = await factories.create_term(session, vocabulary="catalogs", name="Spring")

    # when
    client_data = await graphql.data(
        """
        mutation($input: UpdateClientInput!) {
          updateClient(input: $input) {
            errors { field code }
            client { categories { name } interestedIn { name } source { name } }
          }
        }
        """,
        {
            "input": {
                "id": to_base64("Client", client.id),
                "categories": [to_base64("Category", stamps.id)],
                "interestedIn": [tid(maps)],
                "source": tid(fair),
            }
        },
        as_=staff,
    )
    sale_data = await graphql.data(
        """
        mutation($input: UpdateSaleInput!) {
          updateSale(input: $input) {
            errors { field code }
            sale { departments { name } bidSteps { name } catalog { name } }
          }
        }
        """,
        {
            "input": {
                "id": to_base64("Sale", sale.id),
                "departments": [tid(coins)],
                "bidSteps": tid(steps),
                "catalog": tid(spring),
            }
        },
        as_=staff,
    )

    # then
    assert client_data["updateClient"] == {
        "errors": [],
        "client": {
            "categories": [{"name": "Stamps"}],
            "interestedIn": [{"name": "Maps"}],
            "source": {"name": "Fair"},
        },
    }
    assert sale_data["updateSale"] == {
        "errors": [],
        "sale": {
            "departments": [{"name": "Coins"}],
            "bidSteps": {"name": "Standard"},
            "catalog": {"name": "Spring"},
        },
    }


async def test_staff_lists_a_vocabulary_bidder_is_forbidden(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    europe = await factories.create_term(session, vocabulary="destinations", name="Europe")
    await factories.create_term(
        session, vocabulary="destinations", name="France", weight=1, parent_id=europe.id
    )
    await factories.create_term(session, vocabulary="destinations", name="Asia")
    await factories.create_term(session, vocabulary="topics", name="Elsewhere")

    # when
    data = await graphql.data(TERMS_QUERY, {"vocabulary": "DESTINATIONS"}, as_=staff)
    searched = await graphql.data(
        TERMS_QUERY, {"vocabulary": "DESTINATIONS", "search": "fra"}, as_=staff
    )
    forbidden = await graphql(TERMS_QUERY, {"vocabulary": "DESTINATIONS"}, as_=bidder)

    # then
    assert data["terms"] == {
        "totalCount": 3,
        "nodes": [
            {"name": "Asia", "vocabulary": "DESTINATIONS", "weight": 0, "parent": None},
            {"name": "Europe", "vocabulary": "DESTINATIONS", "weight": 0, "parent": None},
            {
                "name": "France",
                "vocabulary": "DESTINATIONS",
                "weight": 1,
                "parent": {"name": "Europe"},
            },
        ],
    }
    assert [node["name"] for node in searched["terms"]["nodes"]] == ["France"]
    assert_graphql_error(forbidden, code="FORBIDDEN")


async def test_term_create_update_delete(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    parent = await factories.create_term(session, vocabulary="topics", name="Transport")

    # when
    created = await graphql.data(
        CREATE_TERM,
        {"input": {"vocabulary": "TOPICS", "name": " Ships ", "parentId": tid(parent)}},
        as_=staff,
    )
    term = created["createTerm"]["term"]
    duplicate = await graphql.data(
        CREATE_TERM, {"input": {"vocabulary": "TOPICS", "name": "SHIPS"}}, as_=staff
    )
    elsewhere = await graphql.data(
        CREATE_TERM, {"input": {"vocabulary": "ITEM_TAGS", "name": "Ships"}}, as_=staff
    )
    updated = await graphql.data(
        UPDATE_TERM,
        {"input": {"id": term["id"], "name": "Sailing ships", "weight": 3, "parentId": None}},
        as_=staff,
    )
    deleted = await graphql.data(DELETE_TERM, {"input": {"id": term["id"]}}, as_=staff)

    # then
    assert created["createTerm"]["errors"] == []
    assert (term["name"], term["vocabulary"], term["parent"]) == (
        "Ships",
        "TOPICS",
        {"name": "Transport"},
    )
    assert duplicate["createTerm"] == {
        "errors": [
            {"field": "name", "code": "UNIQUE", "message": "The vocabulary already has this term."}
        ],
        "term": None,
    }
    assert elsewhere["createTerm"]["errors"] == []
    assert updated["updateTerm"] == {
        "errors": [],
        "term": {"name": "Sailing ships", "weight": 3, "parent": None},
    }
    assert deleted["deleteTerm"] == {"deletedId": term["id"], "errors": []}
    assert await session.get(models.Term, term["databaseId"]) is None
    actions = (
        await session.scalars(
            sa.select(models.Activity.action).where(
                models.Activity.entity_type == models.EntityType.TERM,
                models.Activity.entity_id == term["databaseId"],
            )
        )
    ).all()
    assert sorted(actions) == ["create", "delete", "update"]


async def test_a_term_in_use_is_kept(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    tag = await factories.create_term(session, vocabulary="item_tags")
    item = await factories.create_item(session)
    session.add(models.ItemTerm(item_id=item.id, field="tags", position=0, term_id=tag.id))
    await session.flush()

    # when
    data = await graphql.data(DELETE_TERM, {"input": {"id": tid(tag)}}, as_=staff)

    # then
    assert data["deleteTerm"] == {
        "deletedId": None,
        "errors": [
            {
                "field": "id",
                "code": "IN_USE",
                "message": "Lots, clients or sales are filed under this term.",
            }
        ],
    }
    assert await session.get(models.Term, tag.id) is not None


async def test_bidder_may_not_change_terms(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    bidder = await factories.create_bidder(session)
    tag = await factories.create_term(session, vocabulary="item_tags", name="Kept")

    # when
    created = await graphql(
        CREATE_TERM, {"input": {"vocabulary": "TOPICS", "name": "Mine"}}, as_=bidder
    )
    updated = await graphql(UPDATE_TERM, {"input": {"id": tid(tag), "name": "X"}}, as_=bidder)
    deleted = await graphql(DELETE_TERM, {"input": {"id": tid(tag)}}, as_=bidder)

    # then
    for body in (created, updated, deleted):
        assert_graphql_error(body, code="FORBIDDEN")
    session.expire_all()
    assert (await session.get_one(models.Term, tag.id)).name == "Kept"
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Term)) == 1


ITEM_TERMS_LIST = """
query {
  items(first: 100) {
    nodes {
      category { name }
      categories { name }
      destinations { name } searchTags { name } catalogueParts { name }
      postalThematics { name } symbols { name } subSymbol { name }
      groupingCategory { name } topics { name } tags { name parent { name } } mediums { name }
      collectibleType { name } country { name }
      sale { departments { name } bidSteps { name } catalog { name } }
    }
  }
}
"""


async def _tagged_lots(session: AsyncSession, count: int, terms: dict[str, Any]) -> None:
    for _ in range(count):
        sale = await factories.create_sale(session)
        session.add(
            models.SaleTerm(
                sale_id=sale.id, field="departments", position=0, term_id=terms["department"].id
            )
        )
        item = await factories.create_item(session, sale=sale, category_id=terms["category"].id)
        for field in ("tags", "topics", "country"):
            session.add(
                models.ItemTerm(item_id=item.id, field=field, position=0, term_id=terms[field].id)
            )
    await session.flush()


async def test_term_fields_of_a_list_cost_the_same_statements_for_1_and_20_lots(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    europe = await factories.create_term(session, vocabulary="item_tags", name="Parent")
    terms = {
        "category": await factories.create_category(session),
        "department": await factories.create_term(session, vocabulary="departments"),
        "tags": await factories.create_term(session, vocabulary="item_tags", parent_id=europe.id),
        "topics": await factories.create_term(session, vocabulary="topics"),
        "country": await factories.create_term(session, vocabulary="countries"),
    }
    await _tagged_lots(session, 1, terms)
    await graphql.token_for(staff)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(ITEM_TERMS_LIST, as_=staff)
    await _tagged_lots(session, 19, terms)
    with count_queries.counting() as large:
        large_data = await graphql.data(ITEM_TERMS_LIST, as_=staff)

    # then
    assert len(small_data["items"]["nodes"]) == 1
    assert len(large_data["items"]["nodes"]) == 20
    node = large_data["items"]["nodes"][0]
    assert node["tags"] == [{"name": terms["tags"].name, "parent": {"name": "Parent"}}]
    assert node["sale"]["departments"] == [{"name": terms["department"].name}]
    assert small.count == large.count, (small.statements, large.statements)


async def test_only_bid_steps_terms_have_increments(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bands = [{"from": "0", "increment": "5"}, {"from": "100", "increment": "10"}]
    query = """
    mutation Create($input: CreateTermInput!) {
      createTerm(input: $input) {
        errors { field code message }
        term { name increments { from increment } }
      }
    }
    """

    # when
    steps = await graphql.data(
        query, {"input": {"vocabulary": "BID_STEPS", "name": "Std", "increments": bands}}, as_=staff
    )
    topic = await graphql.data(
        query, {"input": {"vocabulary": "TOPICS", "name": "Std", "increments": bands}}, as_=staff
    )
    falling = await graphql.data(
        query,
        {"input": {"vocabulary": "BID_STEPS", "name": "Bad", "increments": bands[::-1]}},
        as_=staff,
    )

    # then
    assert steps["createTerm"] == {
        "errors": [],
        "term": {
            "name": "Std",
            "increments": [
                {"from": "0.00", "increment": "5.00"},
                {"from": "100.00", "increment": "10.00"},
            ],
        },
    }
    assert topic["createTerm"]["errors"] == [
        {
            "field": "increments",
            "code": "INVALID",
            "message": "Only bid_steps terms have increments.",
        }
    ]
    assert falling["createTerm"]["errors"][0]["field"] == "increments"
