"""Paging over SQLAlchemy selects for flask-smorest: one COUNT and one LIMIT/OFFSET query.

``PresentedPage`` pages records that are presented with data from other tables (names, ages,
areas): the page's rows are loaded, then handed as one list to a ``present`` function that
fetches what they refer to in a few batched queries, never one query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Page
from flask_smorest import pagination as smorest_pagination

from server.core.extensions import db

PAGE_PARAMS = {"page": 1, "page_size": 20, "max_page_size": 100}
MOST_PAGES = 100_000

_stock_page_params = smorest_pagination._pagination_parameters_schema_factory


def _bounded_page_params(page: int, page_size: int, max_page_size: int) -> type[ma.Schema]:
    """flask-smorest's ``page`` has no maximum; ours has one, enforced and documented. (Its
    factory is private, so this is checked by tests/server/core/test_input_bounds.py.)"""
    schema = _stock_page_params(page, page_size, max_page_size)
    schema._declared_fields["page"] = ma.fields.Integer(
        load_default=page, validate=ma.validate.Range(min=1, max=MOST_PAGES)
    )
    return schema


smorest_pagination._pagination_parameters_schema_factory = _bounded_page_params


class SelectPage(Page):
    @property
    def items(self):
        params = self.page_params
        stmt = self.collection.offset(params.first_item).limit(params.page_size)
        return db.session.scalars(stmt).unique().all()

    @property
    def item_count(self) -> int:
        counted = self.collection.order_by(None).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(counted))


class Presented(NamedTuple):
    stmt: sa.Select
    present: Callable[[list], list]


class PresentedPage(SelectPage):
    @property
    def items(self):
        stmt, present = self.collection
        params = self.page_params
        rows = db.session.scalars(stmt.offset(params.first_item).limit(params.page_size)).unique().all()
        return present(list(rows))

    @property
    def item_count(self) -> int:
        stmt, _present = self.collection
        counted = stmt.order_by(None).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(counted))


def by_id(model, ids) -> dict:
    """{id: row} of ``model`` for these ids, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(wanted)))}


def as_dict(obj, schema: type) -> dict:
    """The attributes a dump schema reads, as plain values: a presenter adds to them."""
    return {
        name: getattr(obj, field.attribute or name, None) for name, field in schema._declared_fields.items()
    }
