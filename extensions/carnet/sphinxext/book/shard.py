"""``carnet check --shard I/N``: this build executes and checks only its share of the pages.

The other executable pages are read without being executed (myst-nb's execution exclude
patterns, so nothing unexecuted enters the execution cache) and count as plain pages for every
check of this build: execution, Binder's environment, the browser check, exercises. A shard
build has its own build folders (``_build/shard-I-of-N``): its pages without outputs never mix
with a real build's.
"""

from __future__ import annotations

import glob
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError

from ...core.notebooks import executable_source
from ...core.shard import parse_shard, shard_pages
from .config import author_language
from .envdata import env_data


def check_shard(app: Sphinx, config: Config) -> None:
    """A wrong ``carnet_shard`` stops the build at once."""
    if config.carnet_shard:
        try:
            parse_shard(config.carnet_shard)
        except ValueError as err:
            raise ConfigError(err.args[0].text(author_language(app))) from None


def in_shard(env: BuildEnvironment, docname: str) -> bool:
    """Whether this build executes ``docname`` (always, unless the build is a shard of the book)."""
    pages = env_data(env).shard_pages
    return pages is None or docname in pages


def exclude_other_shards(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Keep this shard's executable pages; have myst-nb leave the others unexecuted."""
    if not app.config.carnet_shard:
        env_data(env).shard_pages = None
        return
    index, count = parse_shard(app.config.carnet_shard)
    executable = [name for name in env.found_docs if executable_source(Path(env.doc2path(name)))]
    mine = env_data(env).shard_pages = shard_pages(executable, index, count)
    others = [glob.escape(str(env.doc2path(name))) for name in executable if name not in mine]
    config = env.mystnb_config
    env.mystnb_config = config.copy(execution_excludepatterns=[*config.execution_excludepatterns, *others])


def setup_shard(app: Sphinx) -> None:
    """Build one share of the book's executions when ``carnet_shard`` is set (``carnet check --shard``)."""
    app.add_config_value("carnet_shard", "", "env", types=[str])
    app.connect("config-inited", check_shard)
    app.connect("env-before-read-docs", exclude_other_shards, priority=100)
