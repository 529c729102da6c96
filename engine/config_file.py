"""The deployment's config file (``config.toml``): where it is and reading one section of it.

``DONDOC_CONFIG`` names the file; without it, ``config.toml`` in the user's
config directory is used if it exists. Each part of dondoc reads its own
section (``[notify]``, ``[calendar]``) through ``read_section``, so a
malformed file gives the same one-sentence error wherever it is read.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput

ENV_CONFIG = "DONDOC_CONFIG"


def default_config_path() -> Path:
    """The config file used when neither ``DONDOC_CONFIG`` nor a path is given."""
    import platformdirs

    return Path(platformdirs.user_config_dir("dondoc")) / "config.toml"


def config_path(
    env: Mapping[str, str] | None = None, path: Path | str | None = None
) -> tuple[Path, bool]:
    """The file to read and whether it was named explicitly (and so must exist)."""
    env = os.environ if env is None else env
    explicit = path if path is not None else env.get(ENV_CONFIG) or None
    if explicit:
        return Path(explicit).expanduser(), True
    return default_config_path(), False


def read_section(path: Path, section: str, *, required: bool) -> dict[str, Any]:
    """The ``[section]`` table of the TOML file at ``path`` ({} if absent and not required)."""
    try:
        with path.open("rb") as f:
            document = tomllib.load(f)
    except FileNotFoundError:
        if required:
            raise InvalidInput("config_missing", path=str(path)) from None
        return {}
    except OSError as error:
        raise InvalidInput("config_unreadable", path=str(path), reason=error.strerror) from None
    except tomllib.TOMLDecodeError as error:
        # tomllib names the line and column, never the value, so no secret leaks.
        raise InvalidInput("config_not_toml", path=str(path), reason=str(error)) from None
    found = document.get(section, {})
    if not isinstance(found, dict):
        raise InvalidInput("config_section", path=str(path), section=section)
    return found
