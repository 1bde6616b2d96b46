"""Extensions, created once and bound to the app in create_app."""

import marshmallow as ma
from flask_jwt_extended import JWTManager
from flask_smorest import Api
from flask_smorest.error_handler import ErrorSchema
from flask_sqlalchemy import SQLAlchemy

from server.core.db import Base

db = SQLAlchemy(model_class=Base)
jwt = JWTManager()


class ErrorOut(ErrorSchema):
    """The one error shape (server/core/errors.py), as the OpenAPI document declares it."""

    reason = ma.fields.String(
        metadata={
            "description": "On 401: token_missing, token_invalid, token_expired, token_revoked, token_reused"
        }
    )


class HumiaoApi(Api):
    ERROR_SCHEMA = ErrorOut


api = HumiaoApi()
