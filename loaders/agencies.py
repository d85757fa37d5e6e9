"""The partnership's agencies and the names each may be written as (``data/agencies.toml``)."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from loaders.text import normalise_key

DEFAULT_AGENCIES_FILE = Path(__file__).resolve().parent.parent / "data" / "agencies.toml"
DEFAULT_SUBMITTING_AGENCY = "Children's social care"


class UnknownAgencyError(ValueError):
    pass


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[tuple[str, ...], dict[str, str]]:
    with open(path, "rb") as handle:
        config = tomllib.load(handle)
    names = tuple(config["agencies"])
    lookup: dict[str, str] = {}
    for name, entry in config["agencies"].items():
        for spelling in (name, *entry.get("aliases", [])):
            lookup[normalise_key(spelling)] = name
    return names, lookup


def _file() -> str:
    return os.environ.get("DASHBOARD_AGENCIES") or str(DEFAULT_AGENCIES_FILE)


def agency_names() -> list[str]:
    """The canonical agency names, in the file's order."""
    return list(_load(_file())[0])


def match_agency(text: str) -> str | None:
    """The canonical name for ``text`` (case and punctuation ignored), or None."""
    return _load(_file())[1].get(normalise_key(text))


def canonical_agency(text: str) -> str:
    """Like :func:`match_agency` but raise a message listing the accepted names."""
    name = match_agency(text)
    if name is None:
        raise UnknownAgencyError(f"unknown agency {text!r}; expected one of: {', '.join(agency_names())}")
    return name
