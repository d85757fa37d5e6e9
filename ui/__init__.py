"""Display helpers shared by every page: text from outside shown literally, tables whose downloads are safe.

Streamlit only here (and in ``pages/``, ``dashboard.py``); ``loaders/`` and ``metrics/`` never import it."""
