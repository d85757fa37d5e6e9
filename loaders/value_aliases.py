"""Local labels mapped to accepted codes, per agency, dataset and column ("LA services" -> 5A).

A manager maps an unrecognised value once on the Upload page (or with ``python -m loaders alias``);
later loads from that agency apply it before the value is checked. This module holds the in-memory
table the parser reads; the store's side (adding, listing, removing, auditing) is in ``loaders.aliases``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from loaders.text import normalise_key


@dataclass(frozen=True)
class ValueAlias:
    """One mapping: ``value`` (as written in the agency's files) means ``code`` in ``dataset.column``."""

    alias_id: int
    agency: str
    dataset: str
    column: str
    value: str
    code: str


@dataclass
class AliasTable:
    """The mappings that apply to one agency's load, looked up by dataset, column key and raw text."""

    aliases: tuple[ValueAlias, ...] = ()
    _lookup: dict[tuple[str, str, str], ValueAlias] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lookup = {(a.dataset, a.column, normalise_key(a.value)): a for a in self.aliases}

    @classmethod
    def of(cls, aliases: Iterable[ValueAlias]) -> AliasTable:
        return cls(tuple(aliases))

    def columns(self, dataset: str) -> set[str]:
        """Column keys of ``dataset`` that have at least one mapping."""
        return {a.column for a in self.aliases if a.dataset == dataset}

    def lookup(self, dataset: str, column: str, raw_text: str) -> ValueAlias | None:
        """The mapping for this raw cell text (case, spacing and punctuation ignored), if any."""
        return self._lookup.get((dataset, column, normalise_key(raw_text)))

    def __bool__(self) -> bool:
        return bool(self.aliases)


NO_ALIASES = AliasTable()
