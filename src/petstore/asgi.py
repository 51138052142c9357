"""The ASGI entry point for servers started with an import string (several workers)."""

from petstore.app import create_app
from petstore.core.logging import configure_logging
from petstore.core.settings import Settings

_settings = Settings()
configure_logging(_settings.log_level, _settings.log_json)
app = create_app(_settings)
