"""What the pages share: the app's entry logic (``app``), the store and cached reads (``store``, ``data``), who
is looking (``people``), the sidebar's filters (``filters``), the pieces pages draw alike (``blocks``), the pages
shown instead of the dashboard (``gate``), text shown literally (``literal``) and safe tables (``tables``).

Streamlit only here, in ``pages/`` and in ``dashboard.py``; ``loaders/``, ``metrics/`` and ``access/`` never
import it. No SQL here: the queries live in ``loaders`` and ``metrics``."""
