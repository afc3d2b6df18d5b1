"""Build the engine from the command line's ``--config`` and ``--db``."""

from __future__ import annotations

import gc

from app.config import Config, load_config
from app.engine.configure import apply_config
from app.engine.engine import Engine
from app.store.database import Database


def build_engine(config_path: str | None, db_url: str | None) -> tuple[Engine, Config]:
    """Load and validate the config, open the store, apply the config.

    Raises ConfigError (bad file) or StoreError (store cannot be opened).
    """
    cfg = load_config(config_path) if config_path else Config()
    return engine_for(cfg, db_url), cfg


def engine_for(cfg: Config, db_url: str | None) -> Engine:
    """The engine on ``db_url`` (else the config's store, else the default one), configured by ``cfg``."""
    from app.engine.instances import default_instance_name

    url = db_url or cfg.store["url"] or None
    db = Database(url)
    engine = Engine(db, instance_id=cfg.store["instance"] or default_instance_name(not db.is_sqlite),
                    queue_process=cfg.store["queue_process"])
    apply_config(engine, cfg)
    return engine


def settle_heap() -> None:
    """Once started: move what the start-up left (modules, classes, the engine) out of the
    collector's way. A full collection would otherwise walk those ~80,000 objects each time,
    holding the event loop for tens of milliseconds; now it walks only what came since."""
    gc.collect()
    gc.freeze()
