"""An action's rating line, drawn the same way wherever an action is shown (the Action plan, meeting mode):
the rating in words and its colour (``metrics.ratings``), then the reason. One function, so a line beside the
rating (a variation or assurance note, say) has one place to go."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from metrics.ratings import rating_kind
from ui.literal import markdown_literal


def rating_line(action: Mapping[str, object]) -> None:
    """``**Rating:** <badge> reason``. The badge is the rating's word on its colour (meeting mode's CSS makes it
    large: ``ui.app.MEETING_STYLE``); the reason is built from plan values, so it is shown literally."""
    rag = str(action["rag"])
    st.markdown(f"**Rating:** :{rating_kind(rag).badge}-badge[{rag}] {markdown_literal(action['reason'])}")
