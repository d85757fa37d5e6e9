"""Neglect outcomes dashboard. Run with ``make run`` (or ``streamlit run dashboard.py``).

The app is ``ui.app.main``: page config, the navigation built from the person's role (``access.pages``), the
shared filters, then the page. Each page is a file in ``pages/``.
"""

from ui.app import main

main()
