"""domain.auth: credentials, token issue and reuse, and bearer-token authentication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from domain.auth import (
    InvalidToken,
    TokenExpired,
    TokenPolicy,
    WrongCredentials,
    authenticate,
    login,
    token_digest,
)
from domain.principal import ANONYMOUS, Principal
from tests import factories

POLICY = TokenPolicy(secret_key=b"test secret key", ttl=timedelta(hours=24))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def _tokens_of(session: AsyncSession, user: models.User) -> list[models.AccessToken]:
    rows = await session.execute(
        sa.select(models.AccessToken)
        .where(models.AccessToken.user_id == user.id)
        .order_by(models.AccessToken.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


async def test_login_with_a_wrong_password_is_refused(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)

    # when
    with pytest.raises(WrongCredentials) as refused:
        await login(db, user.email, "not the password", POLICY, NOW)

    # then
    assert str(refused.value) == "Wrong credentials."
    assert await _tokens_of(session, user) == []


async def test_login_with_an_unknown_email_gives_the_same_message(db: OperationDB) -> None:
    # when
    with pytest.raises(WrongCredentials) as refused:
        await login(db, "nobody@example.com", factories.PASSWORD, POLICY, NOW)

    # then
    assert str(refused.value) == "Wrong credentials."


@pytest.mark.parametrize(
    ("_case", "password", "is_active"),
    [
        ("wrong password", "not the password", True),
        ("inactive account, right password", factories.PASSWORD, False),
    ],
)
async def test_login_refusals_are_indistinguishable_from_an_unknown_user(
    session: AsyncSession, db: OperationDB, _case: str, password: str, is_active: bool
) -> None:
    # given
    user = await factories.create_bidder(session, is_active=is_active)

    # when
    with pytest.raises(WrongCredentials) as known:
        await login(db, user.email, password, POLICY, NOW)
    with pytest.raises(WrongCredentials) as unknown:
        await login(db, "nobody@example.com", password, POLICY, NOW)

    # then
    assert str(known.value) == str(unknown.value)


async def test_login_issues_a_token_stored_only_as_its_digest(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)

    # when
    logged_in, issued = await login(db, user.email.upper(), factories.PASSWORD, POLICY, NOW)

    # then
    assert logged_in.id == user.id
    assert issued.user_id == user.id
    assert issued.expires_at == NOW + POLICY.ttl
    [stored] = await _tokens_of(session, user)
    assert stored.id == issued.id
    assert stored.token_hash != issued.token
    assert stored.token_hash == token_digest(issued.token)
    assert stored.token_hint != issued.token
    assert issued.token not in (stored.token_hash, stored.token_hint)


async def test_login_again_while_the_token_is_valid_reuses_it(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)
    _, first = await login(db, user.email, factories.PASSWORD, POLICY, NOW)

    # when
    _, again = await login(db, user.email, factories.PASSWORD, POLICY, NOW + timedelta(hours=23))

    # then
    assert again == first
    assert len(await _tokens_of(session, user)) == 1


async def test_login_after_expiry_issues_a_new_token_and_drops_the_old_one(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)
    _, first = await login(db, user.email, factories.PASSWORD, POLICY, NOW)

    # when
    later = NOW + POLICY.ttl + timedelta(seconds=1)
    _, second = await login(db, user.email, factories.PASSWORD, POLICY, later)

    # then
    assert second.token != first.token
    assert second.expires_at == later + POLICY.ttl
    assert [row.id for row in await _tokens_of(session, user)] == [second.id]


async def test_a_rotated_secret_key_issues_a_new_token(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)
    _, first = await login(db, user.email, factories.PASSWORD, POLICY, NOW)

    # when
    rotated = TokenPolicy(secret_key=b"another secret key", ttl=POLICY.ttl)
    _, second = await login(db, user.email, factories.PASSWORD, rotated, NOW)

    # then
    assert second.token != first.token
    assert await authenticate(db, first.token, NOW) == Principal(
        user_id=user.id, role=user.role, client_id=user.client_id
    )


async def test_authenticate_without_a_token_is_anonymous(db: OperationDB) -> None:
    assert await authenticate(db, None, NOW) is ANONYMOUS
    assert await authenticate(db, "", NOW) is ANONYMOUS


async def test_authenticate_a_valid_token_gives_the_users_principal(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)
    _, issued = await login(db, user.email, factories.PASSWORD, POLICY, NOW)

    # when
    principal = await authenticate(db, issued.token, NOW + timedelta(hours=1))

    # then
    assert principal == Principal(
        user_id=user.id, role=models.Role.BIDDER, client_id=user.client_id
    )


async def test_authenticate_an_expired_token_is_refused(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)
    _, issued = await login(db, user.email, factories.PASSWORD, POLICY, NOW)

    # when
    with pytest.raises(TokenExpired) as refused:
        await authenticate(db, issued.token, issued.expires_at)

    # then
    assert str(refused.value) == "Access token expired."
    with pytest.raises(InvalidToken):  # deleted when it was presented (REST A2.1)
        await authenticate(db, issued.token, issued.expires_at)


async def test_authenticate_an_unknown_token_is_refused(db: OperationDB) -> None:
    # when
    with pytest.raises(InvalidToken) as refused:
        await authenticate(db, "garbage", NOW)

    # then
    assert str(refused.value) == "Invalid access token."


async def test_authenticate_the_stored_digest_as_a_token_is_refused(
    session: AsyncSession, db: OperationDB
) -> None:
    # given: someone who read the access_tokens table
    user = await factories.create_bidder(session)
    await login(db, user.email, factories.PASSWORD, POLICY, NOW)
    [stored] = await _tokens_of(session, user)

    # when / then
    with pytest.raises(InvalidToken):
        await authenticate(db, stored.token_hash, NOW)


async def test_authenticate_the_token_of_a_deactivated_user_is_refused(
    session: AsyncSession, db: OperationDB
) -> None:
    # given
    user = await factories.create_bidder(session)
    _, issued = await login(db, user.email, factories.PASSWORD, POLICY, NOW)
    await session.execute(
        sa.update(models.User).where(models.User.id == user.id).values(is_active=False)
    )

    # when / then: not "expired", the token is simply no longer good
    with pytest.raises(InvalidToken):
        await authenticate(db, issued.token, NOW)
