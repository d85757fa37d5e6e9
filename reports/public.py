"""The public progress page: one self-contained HTML file for the partnership's website (DIR/index.html).

No JavaScript, no stylesheet, font or picture from anywhere else: the styles are inline and each chart is an
inline SVG (``reports.static_charts``) with a title and a description; so is each SPC icon (``charts.spc_icons``),
always followed by its words. Paired measures give their published comparison (issue 14). Small numbers are suppressed as for
scrutiny (``ReportContent.suppressed``). Written for WCAG 2.2 AA: ``lang``, landmarks (header, nav, main,
footer), one ``h1`` and headings in order, a skip link, text contrast of at least 4.5:1 (GOV.UK colours), the
rating always in words beside its colour. Every piece of text is escaped (``html.escape``), so text from
uploads appears as itself.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from html import escape
from pathlib import Path

from charts.spc_icons import icon_svg
from reports import static_charts
from reports.content import COMPARE_TITLE, ActionContent, ReportContent

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff;margin:0;line-height:1.5}
.wrap{max-width:60rem;margin:0 auto;padding:0 1rem}
header{border-bottom:0.6rem solid #1d70b8;padding:1rem 0}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
.skip{position:absolute;left:-999em}.skip:focus{left:1rem;top:1rem;padding:0.5rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}caption{text-align:left;font-weight:bold}
th,td{border-bottom:1px solid #b1b4b6;padding:0.4rem;text-align:left;vertical-align:top}
.rating{display:inline-block;padding:0 0.4rem;border-left:0.6rem solid;font-weight:bold}
.action{border-top:1px solid #b1b4b6;padding-top:0.5rem}
svg{max-width:100%;height:auto}
.icons svg{vertical-align:middle;margin-right:0.3rem}
footer{border-top:1px solid #b1b4b6;margin-top:2rem;padding:1rem 0;color:#505a5f}
"""


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _verdict(content: ReportContent) -> str:
    if not content.counts:
        return "<p>No action plan has been loaded yet, so there are no ratings to show.</p>"
    items = "".join(f"<li><strong>{count} {_e(rating)}</strong> ({_e(content.rating_words.get(rating, ''))})</li>"
                    for rating, count in content.counts.items())
    notes = "".join(f"<li><strong>{_e(n.action_id)} {_e(n.action)}</strong> ({_e(n.rag)}). {_e(n.reason)} "
                    f"{_e(n.next_step)}</li>" for n in content.attention)
    needing = f"<h3>Off track or behind plan</h3><ul>{notes}</ul>" if notes else ""
    return f"<p>{_e(content.verdict)}</p><ul>{items}</ul>{needing}"


def _headlines(content: ReportContent) -> str:
    if not content.headlines:
        return "<p>No measures have figures yet.</p>"
    rows = []
    for h in content.headlines:
        value = f"{_e(h.value)}" + (f" ({_e(h.withheld)})" if h.withheld else "")
        rows.append(f"<tr><th scope=\"row\">{_e(h.title)}</th><td>{_e(h.period)}</td><td>{value}</td>"
                    f"<td>{_e(h.change_previous)}</td><td>{_e(h.change_baseline)}</td><td>{_e(h.target or '')}</td></tr>")
    table = ("<table><caption>Headline measures, latest quarter</caption><thead><tr><th scope=\"col\">Measure</th>"
            "<th scope=\"col\">Quarter</th><th scope=\"col\">Figure</th><th scope=\"col\">Since the previous quarter"
            "</th><th scope=\"col\">Since the baseline</th><th scope=\"col\">Target</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")
    return table + _comparisons(content)


def _comparisons(content: ReportContent) -> str:
    """The headline measures' published figures (issue 14), then how the periods differ."""
    items = "".join(f"<li><strong>{_e(h.title)}</strong>: {_e(content.comparisons[h.metric_id])}</li>"
                    for h in content.headlines if h.metric_id in content.comparisons)
    if not items:
        return ""
    return f"<h3>{_e(COMPARE_TITLE)}</h3><ul>{items}</ul><p>{_e(content.comparison_note)}</p>"


def _spc(action: ActionContent) -> str:
    """The monthly SPC reading (issue 15): the icons as inline SVG, hidden from screen readers because the words
    beside them say the same, then the words and the reading."""
    icons = "".join(icon_svg(name, 40) for name, _ in action.spc.icons)
    shown = f'<span class="icons" aria-hidden="true">{icons}</span> ' if icons else ""
    return f"<p>{shown}<strong>Real change or noise (monthly SPC):</strong> {_e(action.spc.text)}</p>"


def _action(action: ActionContent, index: int) -> str:
    parts = [f'<section class="action" aria-labelledby="a{index}">',
             f'<h4 id="a{index}">{_e(action.action_id)}: {_e(action.title)}</h4>',
             f'<p><span class="rating" style="border-color:{_e(action.colour)}">{_e(action.rating)}</span> '
             f'({_e(action.rating_words)}). {_e(action.reason)}</p>',
             f"<p>Lead: {_e(action.lead)}</p>"]
    if action.measure:
        parts.append(f"<p>{_e(action.measure_title)}: baseline → latest → target: {_e(action.progress)}</p>")
    if action.comparison:
        parts.append(f"<p>How it compares: {_e(action.comparison)}</p>")
    if action.spc is not None:
        parts.append(_spc(action))
    if action.chart is not None:
        parts.append(f"<figure>{static_charts.svg(action.chart, f'chart{index}')}</figure>")
    if action.commentary:
        parts.append(f"<p>Latest commentary: {_e(action.commentary)}</p>")
    parts.append("</section>")
    return "".join(parts)


def _aims(content: ReportContent) -> str:
    aims = list(dict.fromkeys(a.aim for a in content.actions))
    if not aims:
        return "<p>No actions to show.</p>"
    out, index = [], 0
    for aim in aims:
        out.append(f"<h3>{_e(aim or 'Actions without an aim')}</h3>")
        out.extend(f"<p>{_e(sentence)}</p>" for sentence in content.aims.get(aim, []))
        for action in content.actions_in(aim):
            index += 1
            out.append(_action(action, index))
    return "".join(out)


def render(content: ReportContent) -> str:
    """The whole page as one HTML string."""
    name = _e(content.partnership)
    notes = "".join(f"<p>{_e(n)}</p>" for n in content.notes)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Neglect action plan: progress – {name}</title>
<style>{_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the progress report</a>
<header><div class="wrap"><p>{name}</p></div></header>
<nav aria-label="On this page" class="wrap"><ul><li><a href="#summary">Summary</a></li>
<li><a href="#measures">Headline measures</a></li><li><a href="#progress">Progress by aim</a></li></ul></nav>
<main id="main" class="wrap">
<h1>Neglect action plan: our progress</h1>
<p>After the joint targeted area inspection of the response to children living with neglect, the partnership
agreed an action plan. This page shows how each action is going, with data up to {_e(content.data_to_text)}.
To protect children's privacy, any figure based on 1 to 5 children is shown as <strong>c</strong>.</p>
{notes}
<section aria-labelledby="summary"><h2 id="summary">Summary</h2>{_verdict(content)}</section>
<section aria-labelledby="measures"><h2 id="measures">Headline measures</h2>{_headlines(content)}</section>
<section aria-labelledby="progress"><h2 id="progress">Progress by aim</h2>{_aims(content)}</section>
</main>
<footer><div class="wrap"><p>Last updated: {_date(content.generated_on)}. {_e(content.freshness_line)}</p>
</div></footer>
</body>
</html>
"""


def write_public(content: ReportContent, out_dir: Path | str) -> Path:
    """Write ``out_dir/index.html`` (the folder made if need be) and return its path. The file is written
    beside its final name and renamed into place, so a failure never leaves half a page."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.html"
    page = render(content)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".index-", suffix=".html")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(page)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
