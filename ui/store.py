"""The app's one connection to the database, and whether it can be had (a busy store is a message)."""

from __future__ import annotations

import streamlit as st

from loaders.store import Store, StoreBusyError, default_db_path


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """This process's one connection to the database named by ``DASHBOARD_DB``."""
    return _open_store(str(default_db_path()))


def store_available() -> bool:
    """Whether this process holds the database. False while another process (a load from the command line)
    has it open: nothing is cached then, so the next visit tries again."""
    try:
        get_store()
    except StoreBusyError:
        return False
    return True


def store_key() -> str:
    """The store's path: the key of every cached read, so a different database never shares a cache."""
    return str(get_store().path)
