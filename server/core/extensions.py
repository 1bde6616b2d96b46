"""Extensions, created once and bound to the app in create_app."""

from flask_jwt_extended import JWTManager
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from server.core.db import Base

db = SQLAlchemy(model_class=Base)
jwt = JWTManager()
api = Api()
