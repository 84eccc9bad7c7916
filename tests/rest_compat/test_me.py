"""Part D: GET /api/me (D1) and the optional Pusher bridge /api/v1.0/pusher_auth (D2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from domain.auth import token_digest
from rest_compat.circuit.me import MeEnvelope
from tests import factories
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
UNAUTHORIZED = {"error": "Unauthorized", "message": "Invalid or expired access token"}


async def token(graphql: GraphQLClient, user: models.User) -> str:
    graphql.session.expunge_all()
    return await graphql.token_for(user)


async def test_me_for_staff_with_access_token_parameter(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session, full_name="Jane Clerk", email="jane@example.com")
    sale = await factories.create_sale(session)
    staff.last_sale_id = sale.id
    await session.flush()

    # when
    response = await http.get("/api/me", params={"access_token": await token(graphql, staff)})

    # then
    assert response.status_code == 200
    body = response.json()
    MeEnvelope.model_validate(body)
    (user,) = body["data"]
    config = user.pop("config")
    assert user == {
        "id": str(staff.id),
        "label": "jane@example.com",
        "mail": "jane@example.com",
        "roles": ["authenticated user", "clerk"],
        "permissions": ["access content", "access backoffice"],
        "picture": None,
        "full_name": "Jane Clerk",
        "sale_context": str(sale.id),
    }
    assert config == {
        "pusherConfig": None,
        "bidServer": "ws://test/graphql",
        "bidServerAccessToken": None,
        "realtime": {
            "graphqlUrl": "http://test/graphql",
            "subscriptionsUrl": "ws://test/graphql",
            "protocols": ["graphql-transport-ws", "graphql-ws"],
        },
        "websiteBasePath": "http://test",
        "accountingCountry": "DE",
        "currency": {
            "key": "eur",
            "symbol": "€",
            "template": "@amount @symbol",
            "decimal_sign": ",",
            "decimal_amount": 2,
            "thousands_sign": ".",
        },
        "contentLanguages": {"en": "en"},
        "staff": [
            {
                "id": str(staff.id),
                "label": "Jane Clerk",
                "mail": "jane@example.com",
                "value": str(staff.id),
                "uuid": "",
            }
        ],
        "task_types": [],
        "activity_types": [],
        "itemPageSettings": {},
    }


async def test_me_for_a_bidder_with_bearer_hides_staff_data(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    older = await factories.create_sale(
        session, published=True, starts_at=datetime.now(UTC) - timedelta(days=9)
    )
    latest = await factories.create_sale(
        session, published=True, starts_at=datetime.now(UTC) - timedelta(days=1)
    )
    headers = {"Authorization": f"Bearer {await token(graphql, bidder)}"}

    # when
    response = await http.get("/api/me", headers=headers)

    # then
    assert response.status_code == 200
    (user,) = response.json()["data"]
    assert user["roles"] == ["authenticated user"]
    assert user["sale_context"] == str(latest.id)
    assert user["sale_context"] != str(older.id)
    assert user["config"]["staff"] == []
    assert user["config"]["pusherConfig"] is None


async def test_me_roles_of_an_admin(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    admin = await factories.create_user(session, role=models.Role.ADMIN)

    # when
    response = await http.get("/api/me", params={"access_token": await token(graphql, admin)})

    # then
    assert response.json()["data"][0]["roles"] == ["authenticated user", "administrator"]


async def test_me_without_a_bad_or_an_expired_token_is_its_own_401(
    http: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    session.add(
        models.AccessToken(
            user_id=staff.id,
            token_hash=token_digest("expired-token"),
            token_hint="x",
            created_at=datetime.now(UTC) - timedelta(days=2),
            expires_at=datetime.now(UTC) - timedelta(days=1),
        )
    )
    await session.flush()

    # when
    anonymous = await http.get("/api/me")
    unknown = await http.get("/api/me", params={"access_token": "nope"})
    expired = await http.get("/api/me", headers={"Authorization": "Bearer expired-token"})

    # then
    for response in (anonymous, unknown, expired):
        assert response.status_code == 401
        assert response.json() == UNAUTHORIZED


async def test_pusher_auth_without_a_bridge_is_501(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    secret = await token(graphql, staff)
    fields = {"socket_id": "123.456", "channel_name": "private-general@1"}

    # when
    posted = await http.post("/api/v1.0/pusher_auth", params={"access_token": secret}, data=fields)
    got = await http.get("/api/v1.0/pusher_auth", params={"access_token": secret, **fields})

    # then
    for response in (posted, got):
        assert response.status_code == 501
        assert response.json() == {
            "type": f"{RFC2616}#sec10.5.2",
            "title": "Not Implemented",
            "status": 501,
            "detail": "No Pusher bridge is configured.",
        }


async def test_pusher_auth_with_a_bad_token_or_for_a_bidder_is_403(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)

    # when
    unknown = await http.post("/api/v1.0/pusher_auth", params={"access_token": "nope"})
    as_bidder = await http.post(
        "/api/v1.0/pusher_auth", params={"access_token": await token(graphql, bidder)}
    )

    # then
    for response in (unknown, as_bidder):
        assert response.status_code == 403
        assert response.json()["title"] == "Forbidden"
