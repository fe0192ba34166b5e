"""WSGI entry point: ``waitress-serve --listen=127.0.0.1:5000 wsgi:app``."""

from intake.config import Config
from intake.web.app import create_app

app = create_app(Config.from_env())
