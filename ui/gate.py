"""The pages shown instead of the dashboard when there is no one to show it to."""

from __future__ import annotations

import streamlit as st

from access.roles import load_roles
from ui.literal import markdown_literal
from ui.people import session_expired, signed_in_id


def not_configured() -> None:
    st.title("Sign-in is not configured")
    st.markdown(
        "This dashboard shows children's safeguarding data, so it shows nothing until sign-in is set up.\n\n"
        "- **Council deployment:** add an `[auth]` section for Microsoft Entra ID to `.streamlit/secrets.toml` "
        "(see the README) and list people in the roles file.\n"
        "- **On your own computer with synthetic data:** run `make run`, which starts in local mode "
        "(`DASHBOARD_LOCAL=1`, bound to 127.0.0.1)."
    )


def sign_in() -> None:
    st.title("Neglect outcomes dashboard")
    if session_expired():
        st.info("Your session has expired. Sign in again to carry on.", icon=":material/schedule:")
    st.markdown("Sign in with your organisation's account to see the partnership's figures.")
    st.button("Sign in", type="primary", on_click=st.login, key="sign_in")


def store_busy() -> None:
    # No path and no exception text: the person can do nothing about either, and a path tells an outsider
    # how the server is laid out. (The command line, finding the dashboard holding the store, says so itself.)
    st.title("The data store is busy")
    st.info("The data store is busy (a load is running from the command line). Try again in a minute.",
            icon=":material/hourglass_top:")
    st.button("Try again", type="primary", key="store_busy_retry")


def no_access() -> None:
    st.title("You do not have access yet")
    account = signed_in_id() or "your account"
    st.markdown("You are signed in as:")
    st.text(account)
    st.markdown(f"You have not been given a role on this dashboard. Ask {markdown_literal(load_roles().contact)} "
                "to add you.")
    st.button("Sign out", on_click=st.logout, key="sign_out_no_access")
