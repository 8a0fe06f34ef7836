"""The Flask app factory: one app per published dataset, configured by the object passed in."""

from __future__ import annotations

from flask import Flask

from . import dashboard, execution, fairness, linked_data, protocol, search, site, source_text, ui
from .config import ServerConfig
from .dataset import PublishedDataset, open_dataset
from .errors import register_error_handlers
from .framing import register_framing_checks
from .headers import register_header_hooks
from .hosts import register_host_hooks


def create_app(config: ServerConfig | None = None, dataset: PublishedDataset | None = None) -> Flask:
    """Open the release artifacts named by `config` (or use an already opened `dataset`) and serve them."""
    config = config or ServerConfig()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.extensions["xianan_kg"] = dataset = dataset or open_dataset(config)
    execution.init_app(app, dataset.store, dataset.config.limits, dataset.config.store)  # query processes
    fairness.init_app(app, dataset.config.fair_share, dataset.config.limits.timeout)  # before workers fork
    register_header_hooks(app)
    register_error_handlers(app)
    register_host_hooks(app)
    register_framing_checks(app)
    app.register_blueprint(protocol.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(ui.bp)
    for pages in (site, search, dashboard, source_text):  # the human pages (site: header, language)
        app.register_blueprint(pages.bp)
    return app
