"""The letter as an accessible HTML page, for a disclosure log on the force's website.

Semantic markup only: one ``h1`` (the letter's heading), ``h2``/``h3`` for sections, the request in a
``blockquote`` with its questions as an ordered list where they are numbered 1, 2, 3, tables with ``th``
header cells and a caption, real links. Everything is escaped. Pure.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from commands.rules.letters.docx_letter import _numbered_request
from commands.rules.letters.text_forms import _BOLD, URL, blocks, table_rows

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LINK = re.compile(rf"{URL.pattern}|{_EMAIL.pattern}")


def _inline(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        out.append(html.escape(text[position : match.start()], quote=False))
        found = match.group(0)
        href = found if found.startswith("http") else f"mailto:{found}"
        out.append(f'<a href="{html.escape(href)}">{html.escape(found, quote=False)}</a>')
        position = match.end()
    out.append(html.escape(text[position:], quote=False))
    return _BOLD.sub(r"<strong>\1</strong>", "".join(out))


def _lines(lines: Sequence[str]) -> str:
    return "<br>\n".join(_inline(line) for line in lines)


def to_html(text: str, *, title: str, language: str = "en-GB") -> str:
    """A complete HTML document for the letter."""
    body: list[str] = []
    titled = False
    for block in blocks(text):
        if block.kind == "heading":
            tag = "h1" if (block.level == 1 and not titled) else ("h2" if block.level == 1 else "h3")
            titled = titled or tag == "h1"
            body.append(f"<{tag}>{_inline(block.lines[0])}</{tag}>")
        elif block.kind == "quote":
            numbered = _numbered_request(block.lines)
            parts: list[str] = []
            if numbered is None:
                parts.extend(f"<p>{_inline(line)}</p>" for line in block.lines if line.strip())
            else:
                depth = -1
                for level, line in numbered:
                    if level < 0:
                        if line.strip():
                            parts.append(f"<p>{_inline(line)}</p>")
                        continue
                    while depth > level:
                        parts.append("</li></ol>")
                        depth -= 1
                    if depth == level:
                        parts.append("</li>")
                    while depth < level:
                        parts.append('<ol type="a">' if level == 1 else "<ol>")
                        depth += 1
                    parts.append(f"<li>{_inline(line)}")
                while depth >= 0:
                    parts.append("</li></ol>")
                    depth -= 1
            body.append("<blockquote>\n" + "\n".join(parts) + "\n</blockquote>")
        elif block.kind == "bullets":
            body.append("<ul>\n" + "\n".join(f"<li>{_inline(line)}</li>" for line in block.lines) + "\n</ul>")
        elif block.kind == "table":
            rows = table_rows(block.lines) or []
            head = "".join(f'<th scope="col">{_inline(c)}</th>' for c in rows[0])
            body_rows = []
            for row in rows[1:]:
                cells = [f'<th scope="row">{_inline(row[0])}</th>'] + [f"<td>{_inline(c)}</td>" for c in row[1:]]
                body_rows.append("<tr>" + "".join(cells) + "</tr>")
            body.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body_rows) + "\n</tbody>\n</table>")
        elif block.kind == "pre":
            body.append("<pre>" + html.escape("\n".join(block.lines), quote=False) + "</pre>")
        elif block.kind == "letterhead":
            body.append(f'<p class="letterhead">{_lines(block.lines)}</p>')
        else:
            body.append(f"<p>{_lines(block.lines)}</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )
