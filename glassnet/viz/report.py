"""report.html: one self-contained page with a run's config, final metrics and every chart.

The charts are embedded as base64 PNG (`<img src="data:image/png;base64,...">`), so the page can
be mailed or opened anywhere without the folder beside it.
"""

from __future__ import annotations

import base64
import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222;
       padding: 0 1em; line-height: 1.45; }}
h1 {{ font-size: 1.6em; margin-bottom: 0.2em; }}
.sub {{ color: #666; margin-top: 0; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
td, th {{ border: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }}
th {{ background: #f4f4f4; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
figure {{ margin: 1.5em 0; }}
figure img {{ max-width: 100%; border: 1px solid #eee; }}
figcaption {{ color: #555; font-size: 0.9em; }}
pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="sub">{subtitle}</p>
<h2>Final metrics</h2>
{metrics}
{facts}
<h2>Charts</h2>
{charts}
{texts}
<h2>Configuration</h2>
<pre>{config}</pre>
</body>
</html>
"""


def _metrics_table(metrics: Mapping[str, Any]) -> str:
    rows = []
    for key, value in metrics.items():
        shown = f"{value:.4f}" if isinstance(value, float) else html.escape(str(value))
        rows.append(f"<tr><th>{html.escape(key)}</th><td class=num>{shown}</td></tr>")
    return "<table>" + "".join(rows) + "</table>" if rows else "<p>(none)</p>"


def _figure(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    alt = html.escape(caption)
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
        f"<figcaption>{alt}</figcaption></figure>"
    )


def write_report(
    path: str | os.PathLike,
    title: str,
    config: Mapping[str, Any],
    metrics: Mapping[str, Any],
    charts: Sequence[tuple[str | os.PathLike, str]],
    subtitle: str = "",
    texts: Mapping[str, str] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Path:
    """Write a self-contained HTML report.

    Parameters
    ----------
    path : where to write `report.html`
    title, subtitle : the page heading and the line under it
    config : the resolved run configuration (shown as JSON)
    metrics : final numbers, e.g. {"test accuracy": 0.981}
    charts : (png_path, caption) pairs, embedded in this order
    texts : titled blocks of text shown after the charts (e.g. a generated sample)
    facts : how training went, shown under "Training" (best epoch and its metrics, why it
        stopped, wall time, throughput)

    Example
    -------
    >>> write_report("runs/x/report.html", "digits-mlp", config, {"test accuracy": 0.98},
    ...              [("runs/x/loss.png", "Loss and accuracy per epoch")])
    """
    figures = "\n".join(_figure(Path(p), caption) for p, caption in charts)
    page = PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle),
        metrics=_metrics_table(metrics),
        facts=f"<h2>Training</h2>\n{_metrics_table(facts)}" if facts else "",
        charts=figures or "<p>(no charts)</p>",
        texts="\n".join(
            f"<h2>{html.escape(k)}</h2>\n<pre>{html.escape(v)}</pre>"
            for k, v in (texts or {}).items()
        ),
        config=html.escape(json.dumps(config, indent=2, default=str)),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
