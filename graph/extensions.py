"""Gavel's own schema extensions (Strawberry's are configured in ``graph/schema.py``)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from domain.fields import NUL, NUL_MESSAGE, nul_paths


class _NulLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        if NUL in node.value:
            self.found = True


class RefuseNulCharacters(SchemaExtension):
    """Refuse an operation whose variables or string literals hold a NUL character.

    PostgreSQL's text cannot store U+0000, so such input would otherwise fail deep inside a
    resolver as a masked internal error; it is a ``BAD_USER_INPUT`` request error instead,
    reported with validation's errors so nothing runs. Must come after ``ValidationCache``,
    whose result it extends (and which it must never be cached into: variables differ).
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        paths = nul_paths(context.variables or {})
        literals = _NulLiterals()
        source = context.query or ""
        escapes = NUL in source or "\\u" in source  # a literal NUL needs a \u escape
        if escapes and context.graphql_document is not None:
            visit(context.graphql_document, literals)
        if paths or literals.found:
            where = ", ".join(f"${path}" for path in paths) or "a string literal"
            error = GraphQLError(
                f"{NUL_MESSAGE} ({where})",
                extensions={"code": "BAD_USER_INPUT", "fields": paths},
            )
            context.pre_execution_errors = [*(context.pre_execution_errors or []), error]
        yield
