"""Who is looking: how the app signs people in (local, OpenID Connect or not configured), the person and
their role, and when a sign-in is too old to trust."""

from __future__ import annotations

import os
import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from access.people import LOCAL_ADMIN, Person
from access.roles import load_roles


def auth_mode() -> str:
    """``local`` (DASHBOARD_LOCAL=1: no sign-in, the person is admin), ``oidc`` (``[auth]`` in secrets)
    or ``none`` (neither: the app shows no data)."""
    if os.environ.get("DASHBOARD_LOCAL") == "1":
        return "local"
    try:
        configured = "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        configured = False
    return "oidc" if configured else "none"


def _claims() -> list[str]:
    claims: list[str] = []
    for name in ("groups", "roles"):
        value = st.user.get(name)
        if isinstance(value, str):
            claims.append(value)
        elif isinstance(value, (list, tuple)):
            claims.extend(str(v) for v in value)
    return claims


def signed_in_id() -> str | None:
    """The signed-in account: the e-mail claim, else the account name (Entra accounts may lack ``email``).
    An e-mail the provider says it has not verified (e.g. some guest accounts) is not trusted."""
    if st.user.get("email_verified") is False:
        return st.user.get("preferred_username")
    return st.user.get("email") or st.user.get("preferred_username")


def session_expired() -> bool:
    """Streamlit keeps its identity cookie for 30 days and never asks the provider again: a sign-in older
    than ``DASHBOARD_MAX_SESSION_HOURS`` (default 12) must be made again, so a leaver loses access."""
    issued = st.user.get("iat")
    if not st.user.get("is_logged_in") or not issued:
        return False
    hours = float(os.environ.get("DASHBOARD_MAX_SESSION_HOURS") or 12)
    return time.time() - float(issued) > hours * 3600


def current_person() -> Person | None:
    """The person using the app, with their role from the roles file; None when nobody with a role is signed in."""
    mode = auth_mode()
    if mode == "local":
        return LOCAL_ADMIN
    if mode == "oidc" and st.user.get("is_logged_in") and not session_expired():
        return load_roles().person(signed_in_id(), _claims(), st.user.get("name"))
    return None
