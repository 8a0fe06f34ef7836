"""gunicorn run in-process on an app object built by `xianan-kg serve` (no import string, no config file)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from .config import ServerConfig


class GunicornServer(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, object]) -> None:
        self._app, self._options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app


def announce(config: ServerConfig) -> Callable[[Arbiter], None]:
    """A `when_ready` hook that logs where the endpoint answers (useful with --port 0)."""

    def when_ready(arbiter: Arbiter) -> None:
        for listener in arbiter.LISTENERS:
            url = str(listener) if "://" in str(listener) else f"http://{listener}"
            arbiter.log.info("xianan-kg: SPARQL endpoint %s/sparql, pages %s/id/..., serving %s", url, url, config.dist)

    return when_ready
