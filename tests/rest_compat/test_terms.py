"""REST term fields (A12.8) of items (B5.0), clients (B1.0) and sales (B6.0): refs out, ids or
labels in, 422 for unknown terms with nothing written, [] clears, aliases, list statements."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

ITEMS = "/api/v1.0/datatable-items"
CLIENTS = "/api/v1.0/datatable-clients"
SALES = "/api/v1.0/datatable-sales"

ITEM_LISTS = {
    "destinations": "destinations",
    "search_tags": "search_tags",
    "catalogue_parts": "catalogue_parts",
    "postal_thematics": "postal_thematics",
    "symbols": "symbols",
    "sub_symbol": "sub_symbols",
    "grouping_category": "grouping_categories",
    "topics": "topics",
    "tags": "item_tags",
    "mediums": "mediums",
}
"""Each B5.0 term list field and its vocabulary."""


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def ref(row: models.Term | models.Category) -> dict[str, str]:
    return {"id": str(row.id), "label": row.name}


async def links(session: AsyncSession, model: Any) -> list[tuple[Any, ...]]:
    rows = await session.execute(sa.select(model))
    return sorted(tuple(r[0].model_dump().values()) for r in rows)


async def activity_count(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) or 0)


async def _lot(session: AsyncSession) -> models.Item:
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    return await factories.create_item(session, sale=sale, consignment=consignment)


@pytest.mark.parametrize(("field", "vocabulary"), list(ITEM_LISTS.items()))
async def test_item_term_list_round_trip_by_id_numeric_string_and_label(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    field: str,
    vocabulary: str,
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await _lot(session)
    first = await factories.create_term(session, vocabulary=vocabulary, name="Mint Condition")
    second = await factories.create_term(session, vocabulary=vocabulary, name="Europe")
    third = await factories.create_term(session, vocabulary=vocabulary, name="Airmail")

    # when: an id, a numeric string, a label in another case and a repeat
    sent = [second.id, str(first.id), "aIRMAIL", "europe"]
    response = await http.patch(
        f"{ITEMS}/{item.id}", json={field: sent}, headers=await auth(graphql, staff)
    )

    # then: in order, the repeat collapsed
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row[field] == [ref(second), ref(first), ref(third)]
    got = await http.get(f"{ITEMS}/{item.id}", headers=await auth(graphql, staff))
    assert got.json()["data"][0][field] == [ref(second), ref(first), ref(third)]


async def test_item_categories_set_the_main_category(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await _lot(session)
    coins = await factories.create_category(session, name="Coins")
    stamps = await factories.create_category(session, name="Stamps")

    # when
    response = await http.patch(
        f"{ITEMS}/{item.id}",
        json={"categories": ["stamps", coins.id]},
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row["categories"] == [ref(stamps), ref(coins)]
    assert row["category"] == ref(stamps)
    assert row["main_category_tid"] == str(stamps.id)
    session.expire_all()
    assert (await session.get_one(models.Item, item.id)).category_id == stamps.id


async def test_item_single_terms_and_aliases(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await _lot(session)
    france = await factories.create_term(session, vocabulary="countries", name="France")
    cover = await factories.create_term(session, vocabulary="collectible_types", name="Cover")
    vip = await factories.create_term(session, vocabulary="item_tags", name="Highlight")
    group = await factories.create_term(session, vocabulary="grouping_categories", name="Lots")

    # when: the aliases are written too
    response = await http.patch(
        f"{ITEMS}/{item.id}",
        json={
            "country": "FRANCE",
            "collectible_type": str(cover.id),
            "item_tags": [vip.id],
            "grouping_categories": ["lots"],
        },
        headers=await auth(graphql, staff),
    )

    # then: each alias reads the same as its field
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row["country"] == ref(france)
    assert row["collectible_type"] == ref(cover)
    assert row["tags"] == row["item_tags"] == [ref(vip)]
    assert row["grouping_category"] == row["grouping_categories"] == [ref(group)]


async def test_item_empty_list_and_null_clear(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    category = await factories.create_category(session)
    item = await _lot(session)
    tag = await factories.create_term(session, vocabulary="item_tags")
    country = await factories.create_term(session, vocabulary="countries")
    headers = await auth(graphql, staff)
    await http.patch(
        f"{ITEMS}/{item.id}",
        json={"categories": [category.id], "tags": [tag.id], "country": country.id},
        headers=headers,
    )

    # when
    response = await http.patch(
        f"{ITEMS}/{item.id}",
        json={"categories": [], "tags": [], "country": None},
        headers=headers,
    )

    # then
    (row,) = response.json()["data"]
    assert (row["categories"], row["category"], row["main_category_tid"]) == ([], None, None)
    assert (row["tags"], row["country"]) == ([], None)
    assert await links(session, models.ItemTerm) == []


async def test_item_unknown_id_and_label_are_422_and_nothing_is_written(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await _lot(session)
    known = await factories.create_term(session, vocabulary="item_tags", name="Known")
    other_vocabulary = await factories.create_term(session, vocabulary="topics", name="Topic")
    headers = await auth(graphql, staff)
    before = await activity_count(session)

    # when
    response = await http.patch(
        f"{ITEMS}/{item.id}",
        json={
            "subtitle": "Changed",
            "tags": [known.id, 999999, "Nope", other_vocabulary.id, 2**40],
            "country": "Atlantis",
        },
        headers=headers,
    )

    # then
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "https://tools.ietf.org/html/rfc4918#section-11.2"
    assert body["errors"] == {
        "tags.1": ["No term with id 999999 in item_tags."],
        "tags.2": ["No term with label 'Nope' in item_tags."],
        "tags.3": [f"No term with id {other_vocabulary.id} in item_tags."],
        "tags.4": [f"No term with id {2**40} in item_tags."],
        "country": ["No term with label 'Atlantis' in countries."],
    }
    session.expire_all()
    assert (await session.get_one(models.Item, item.id)).title != "Changed"
    assert await links(session, models.ItemTerm) == []
    assert await activity_count(session) == before


async def test_item_create_with_terms_and_malformed_entries(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    medium = await factories.create_term(session, vocabulary="mediums", name="Oil")
    headers = await auth(graphql, staff)
    url = f"{ITEMS}?sale_id={sale.id}"

    # when
    created = await http.post(
        url,
        json={"consignment": consignment.id, "subtitle": "Lot", "mediums": ["oil"]},
        headers=headers,
    )
    malformed = await http.post(
        url,
        json={"consignment": consignment.id, "subtitle": "Lot", "mediums": "oil", "tags": [1.5]},
        headers=headers,
    )

    # then
    assert created.status_code == 201, created.json()
    assert created.json()["data"][0]["mediums"] == [ref(medium)]
    assert malformed.status_code == 422
    assert malformed.json()["errors"] == {
        "mediums": ["`mediums` must be a list of terms."],
        "tags.0": ["A term is an id or a label."],
    }


async def test_items_bulk_update_field_and_clone_copy_terms(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    items = [
        await factories.create_item(session, sale=sale, consignment=consignment) for _ in range(2)
    ]
    category = await factories.create_category(session, name="Maps")
    topic = await factories.create_term(session, vocabulary="topics", name="Ships")
    headers = await auth(graphql, staff)
    item_ids = [str(i.id) for i in items]

    # when
    by_category = await http.post(
        "/api/v1.0/items-bulk",
        json={"operation": "update_field", "items": item_ids, "field": "category", "value": "maps"},
        headers=headers,
    )
    by_topic = await http.post(
        "/api/v1.0/items-bulk",
        json={"operation": "update_field", "items": item_ids, "field": "topics", "value": ["x"]},
        headers=headers,
    )
    await http.patch(f"{ITEMS}/{items[0].id}", json={"topics": [topic.id]}, headers=headers)
    cloned = await http.post(
        "/api/v1.0/item-clone-or-move",
        json={
            "items": [item_ids[0]],
            "operation": "clone",
            "target_sale": sale.id,
            "target_consignment": consignment.id,
        },
        headers=headers,
    )

    # then
    assert by_category.status_code == 200, by_category.json()
    assert by_topic.status_code == 422
    assert by_topic.json()["errors"] == {
        "items.0.topics.0": ["No term with label 'x' in topics."],
        "items.1.topics.0": ["No term with label 'x' in topics."],
    }
    (copy_id,) = cloned.json()["data"]["new_item_ids"]
    (copy,) = (await http.get(f"{ITEMS}/{copy_id}", headers=headers)).json()["data"]
    assert copy["categories"] == [ref(category)]
    assert copy["topics"] == [ref(topic)]


async def test_filter_category_matches_any_of_the_categories(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    main = await factories.create_category(session)
    second = await factories.create_category(session)
    item = await _lot(session)
    other = await _lot(session)
    headers = await auth(graphql, staff)
    await http.patch(
        f"{ITEMS}/{item.id}", json={"categories": [main.id, second.id]}, headers=headers
    )

    # when
    by_second = await http.get(f"{ITEMS}?filter[category]={second.id}", headers=headers)

    # then
    assert [row["id"] for row in by_second.json()["data"]] == [str(item.id)]
    assert str(other.id) not in [row["id"] for row in by_second.json()["data"]]


async def test_client_terms_round_trip_and_422(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    coins = await factories.create_category(session, name="Coins")
    maps = await factories.create_term(session, vocabulary="interests", name="Maps")
    fair = await factories.create_term(session, vocabulary="client_sources", name="Fair")
    headers = await auth(graphql, staff)

    # when
    created = await http.post(
        CLIENTS,
        json={
            "last_name": "Lovelace",
            "categories": ["COINS"],
            "interested_in": [str(maps.id)],
            "source": "fair",
        },
        headers=headers,
    )
    (row,) = created.json()["data"]
    refused = await http.patch(
        f"{CLIENTS}/{row['id']}",
        json={"last_name": "Changed", "interested_in": ["Ships"], "source": 999999},
        headers=headers,
    )
    cleared = await http.patch(
        f"{CLIENTS}/{row['id']}", json={"categories": [], "source": None}, headers=headers
    )

    # then
    assert created.status_code == 201, created.json()
    assert row["categories"] == [ref(coins)]
    assert row["interested_in"] == [ref(maps)]
    assert row["source"] == ref(fair)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "interested_in.0": ["No term with label 'Ships' in interests."],
        "source": ["No term with id 999999 in client_sources."],
    }
    (after,) = cleared.json()["data"]
    assert after["last_name"] == "Lovelace"
    assert (after["categories"], after["interested_in"], after["source"]) == ([], [ref(maps)], None)


async def test_client_terms_are_staff_only_for_token_mode(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    interest = await factories.create_term(session, vocabulary="interests")

    # when
    response = await http.patch(
        f"{CLIENTS}/{bidder.client_id}",
        json={"interested_in": [interest.id]},
        headers=await auth(graphql, bidder),
    )

    # then
    assert response.status_code == 403
    assert await links(session, models.ClientTerm) == []


async def test_sale_terms_round_trip_and_422(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    stamps = await factories.create_term(session, vocabulary="departments", name="Stamps")
    coins = await factories.create_term(session, vocabulary="departments", name="Coins")
    steps = await factories.create_term(session, vocabulary="bid_steps", name="Standard")
    catalog = await factories.create_term(session, vocabulary="catalogs", name="Spring")
    headers = await auth(graphql, staff)

    # when
    response = await http.patch(
        f"{SALES}/{sale.id}",
        json={"departments": ["coins", stamps.id], "bid_steps": "standard", "catalog": catalog.id},
        headers=headers,
    )
    refused = await http.patch(
        f"{SALES}/{sale.id}", json={"departments": [coins.id, "Wine"]}, headers=headers
    )

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row["departments"] == [ref(coins), ref(stamps)]
    assert row["bid_steps"] == "Standard"
    assert row["catalog"] == ref(catalog)
    assert steps.id
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "departments.1": ["No term with label 'Wine' in departments."]
    }
    got = await http.get(f"{SALES}/{sale.id}", headers=headers)
    assert got.json()["data"][0]["departments"] == [ref(coins), ref(stamps)]


async def test_term_changes_are_audited(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await _lot(session)
    tag = await factories.create_term(session, vocabulary="item_tags")

    # when
    await http.patch(
        f"{ITEMS}/{item.id}", json={"tags": [tag.id]}, headers=await auth(graphql, staff)
    )

    # then
    changes = await session.scalar(
        sa.select(models.Activity.changes).where(
            models.Activity.entity_type == models.EntityType.ITEM,
            models.Activity.entity_id == item.id,
            models.Activity.action == "update",
        )
    )
    assert changes == {"tags": {"before": [], "after": [tag.id]}}


@pytest.mark.parametrize("url", [ITEMS, CLIENTS, SALES])
async def test_list_with_terms_costs_the_same_statements_for_1_and_many_rows(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
    url: str,
) -> None:
    # given: every row carries terms
    staff = await factories.create_staff(session)
    category = await factories.create_category(session)
    tag = await factories.create_term(session, vocabulary="item_tags")
    interest = await factories.create_term(session, vocabulary="interests")
    department = await factories.create_term(session, vocabulary="departments")
    for _ in range(6):
        sale = await factories.create_sale(session)
        session.add(
            models.SaleTerm(sale_id=sale.id, field="departments", position=0, term_id=department.id)
        )
        item = await factories.create_item(session, sale=sale, category_id=category.id)
        session.add(models.ItemTerm(item_id=item.id, field="tags", position=0, term_id=tag.id))
        client = await factories.create_client(session)
        session.add(
            models.ClientTerm(
                client_id=client.id, field="interested_in", position=0, term_id=interest.id
            )
        )
    await session.flush()
    headers = await auth(graphql, staff)

    # when
    with count_queries.counting():
        many = await http.get(f"{url}?range=100", headers=headers)
    many_count = count_queries.count
    with count_queries.counting():
        one = await http.get(f"{url}?range=1", headers=headers)

    # then
    assert len(many.json()["data"]) >= 6
    assert len(one.json()["data"]) == 1
    assert count_queries.count == many_count


async def test_bid_steps_give_the_sale_the_terms_increment_table(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    table = [{"from": "0", "increment": "2"}, {"from": "50", "increment": "5"}]
    await factories.create_term(session, vocabulary="bid_steps", name="Low value", increments=table)
    plain = await factories.create_term(session, vocabulary="bid_steps", name="Named only")
    headers = await auth(graphql, staff)

    # when
    stepped = await http.patch(
        f"{SALES}/{sale.id}", json={"bid_steps": "LOW VALUE"}, headers=headers
    )
    session.expire_all()
    increments = (await session.get_one(models.Sale, sale.id)).increments
    named = await http.patch(f"{SALES}/{sale.id}", json={"bid_steps": plain.id}, headers=headers)

    # then: a term without a table leaves the sale's increments alone
    assert stepped.status_code == 200, stepped.json()
    assert stepped.json()["data"][0]["bid_steps"] == "Low value"
    assert increments == table
    assert named.json()["data"][0]["bid_steps"] == "Named only"
    session.expire_all()
    assert (await session.get_one(models.Sale, sale.id)).increments == table


async def test_filter_sales_by_catalog_and_clients_by_source(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    catalog = await factories.create_term(session, vocabulary="catalogs")
    source = await factories.create_term(session, vocabulary="client_sources")
    filed_sale, other_sale = (
        await factories.create_sale(session),
        await factories.create_sale(session),
    )
    filed_client = await factories.create_client(session)
    await factories.create_client(session)
    headers = await auth(graphql, staff)
    await http.patch(f"{SALES}/{filed_sale.id}", json={"catalog": catalog.id}, headers=headers)
    await http.patch(f"{CLIENTS}/{filed_client.id}", json={"source": source.id}, headers=headers)

    # when
    sales = await http.get(f"{SALES}?filter[catalog]={catalog.id}", headers=headers)
    clients = await http.get(f"{CLIENTS}?filter[source]={source.id}", headers=headers)

    # then
    assert [row["id"] for row in sales.json()["data"]] == [str(filed_sale.id)]
    assert str(other_sale.id) != str(filed_sale.id)
    assert [row["id"] for row in clients.json()["data"]] == [str(filed_client.id)]
