"""flask-smorest paging over SQLAlchemy selects: one COUNT and one LIMIT/OFFSET query."""

from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Page

from server.extensions import db

PAGE_PARAMS = {"page": 1, "page_size": 20, "max_page_size": 100}


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
