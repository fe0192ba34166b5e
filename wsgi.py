"""WSGI entry point: ``waitress-serve --listen=127.0.0.1:5000 wsgi:app``."""

from intake import create_app
from intake.config import Config

app = create_app(Config.from_env())
