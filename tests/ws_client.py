"""A small WebSocket GraphQL client speaking graphql-transport-ws and the legacy graphql-ws."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from realtime.bus import EventBus


class WSClient:
    def __init__(self, ws: WebSocketTestSession, protocol: str) -> None:
        self.ws = ws
        self.protocol = protocol
        self._closed_code: int | None = None

    @classmethod
    @contextmanager
    def connect(
        cls,
        client: TestClient,
        protocol: str,
        payload: dict[str, Any] | None = None,
        expect_ack: bool = True,
    ) -> Iterator[WSClient]:
        with client.websocket_connect("/graphql", subprotocols=[protocol]) as ws:
            wrapper = cls(ws, protocol)
            ws.send_json({"type": "connection_init", "payload": payload or {}})
            if expect_ack:
                message = ws.receive_json()
                assert message["type"] == "connection_ack", message
            yield wrapper

    def subscribe(self, op_id: str, query: str, variables: dict[str, Any]) -> None:
        kind = "subscribe" if self.protocol == "graphql-transport-ws" else "start"
        self.ws.send_json(
            {"id": op_id, "type": kind, "payload": {"query": query, "variables": variables}}
        )

    def next_data(self, op_id: str) -> dict[str, Any]:
        """The ``data`` of the next result for ``op_id`` (errors fail the test)."""
        kind = "next" if self.protocol == "graphql-transport-ws" else "data"
        while True:
            message = self.ws.receive_json()
            if message.get("type") in ("ka", "ping", "pong"):
                continue
            assert message.get("id") == op_id, message
            assert message["type"] == kind, message
            assert not message["payload"].get("errors"), message
            data: dict[str, Any] = message["payload"]["data"]
            return data

    def closed_code(self) -> int | None:
        try:
            message = self.ws.receive()
        except WebSocketDisconnect as exc:
            return exc.code
        if message.get("type") == "websocket.close":
            code: int | None = message.get("code")
            return code
        return None


def wait_listening(bus: EventBus, count: int = 1, timeout: float = 10) -> None:
    """Wait until ``count`` subscriptions have read their starting point and listen for events.

    A subscription without ``afterSequence`` starts from what is committed when it starts, so a
    test must wait for this before committing the events it expects to receive.
    """
    deadline = time.monotonic() + timeout
    while bus.idle_subscribers() < count:
        assert time.monotonic() < deadline, "subscriptions did not start listening in time"
        time.sleep(0.01)
