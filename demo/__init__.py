"""The synthetic demo borough: the spreadsheets its agencies would upload, and loading them.

Not a loader: it writes files the way councils' systems do and hands them to ``loaders`` like any upload.
Everything here is invented. Children are ``SYN-000123``, delegates ``delegate0042@example.invalid``,
workers ``Worker A``; there are no names, addresses or postcodes. Every sheet says SYNTHETIC DEMO DATA in a
title row above its headers.

- ``design``: the quarters, designed-in trends, code lists and action plan;
- ``records`` and ``generator``: the records made from a seed, and the metric values they give;
- ``xlsx``, ``annex_a`` and ``files``: the spreadsheets, and which agency submits each;
- ``load``: ``load_demo``, behind ``python -m loaders demo``; ``python -m demo --out DIR`` writes the files only.
"""
