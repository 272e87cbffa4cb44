#!/usr/bin/env python3
"""A terminal capture (tmux capture-pane -e -p) as an HTML page: one <pre>, one <span> per
run of cells with the same style. Reads the capture on standard input, writes the page on
standard output. Knows the SGR sequences tmux writes: bold, dim, italic, underline, reverse,
the 16 colours, 256 colours and true colour."""

import html
import re
import sys

PALETTE = [
    "#1e1e1e", "#d9534f", "#5cb85c", "#e0b341", "#4f8fd9", "#b56fc4", "#3fb6c9", "#d0d0d0",
    "#6b6b6b", "#ff6b66", "#7fd97f", "#ffd75f", "#76aaff", "#d58fe6", "#66d9ef", "#ffffff",
]
FG, BG = "#e8e8e8", "#1e1e1e"


def colour256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def apply(style, params):
    nums = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(nums):
        n = nums[i]
        if n == 0:
            style.clear()
        elif n in (1, 2, 3, 4, 7):
            style[{1: "bold", 2: "dim", 3: "italic", 4: "underline", 7: "reverse"}[n]] = True
        elif n == 22:
            style.pop("bold", None)
            style.pop("dim", None)
        elif n in (23, 24, 27):
            style.pop({23: "italic", 24: "underline", 27: "reverse"}[n], None)
        elif 30 <= n <= 37 or 90 <= n <= 97:
            style["fg"] = PALETTE[n - 30 if n < 90 else n - 82]
        elif 40 <= n <= 47 or 100 <= n <= 107:
            style["bg"] = PALETTE[n - 40 if n < 100 else n - 92]
        elif n == 39:
            style.pop("fg", None)
        elif n == 49:
            style.pop("bg", None)
        elif n in (38, 48) and i + 1 < len(nums):
            key = "fg" if n == 38 else "bg"
            if nums[i + 1] == 5 and i + 2 < len(nums):
                style[key] = colour256(nums[i + 2])
                i += 2
            elif nums[i + 1] == 2 and i + 4 < len(nums):
                style[key] = "#%02x%02x%02x" % tuple(nums[i + 2:i + 5])
                i += 4
        i += 1


def css(style):
    fg, bg = style.get("fg", FG), style.get("bg", BG)
    if style.get("reverse"):
        fg, bg = bg, fg
    out = [f"color:{fg}"]
    if bg != BG:
        out.append(f"background:{bg}")
    if style.get("bold"):
        out.append("font-weight:bold")
    if style.get("dim"):
        out.append("opacity:0.6")
    if style.get("italic"):
        out.append("font-style:italic")
    if style.get("underline"):
        out.append("text-decoration:underline")
    return ";".join(out)


def convert(capture):
    style, parts = {}, []
    for token in re.split(r"(\x1b\[[0-9;]*m)", capture):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", token)
        if m:
            apply(style, m.group(1))
        elif token:
            # Any other escape sequence is dropped; the text is escaped for HTML.
            text = re.sub(r"\x1b[^a-zA-Z]*[a-zA-Z]", "", token)
            parts.append(f'<span style="{css(style)}">{html.escape(text)}</span>')
    return "".join(parts)


def main():
    body = convert(sys.stdin.read())
    sys.stdout.write(
        "<!doctype html><meta charset=utf-8><style>"
        f"body{{margin:0;background:{BG}}}"
        "pre{margin:0;padding:12px 14px;font:15px/19px 'DejaVu Sans Mono',monospace}"
        f"</style><pre>{body}</pre>\n"
    )


if __name__ == "__main__":
    main()
