"""Inline styles shared by the appendix tables (inline, so the site, Lab and VS Code look alike)."""

CELL = (' style="border-top:1px solid #d0d7de;padding:.25em .5em;vertical-align:top;text-align:left;'
        'overflow-wrap:break-word"')
HEAD = ' style="border-top:1px solid #d0d7de;padding:.25em .5em;vertical-align:top;text-align:left;width:11em"'
TABLE = ' style="border-collapse:collapse;width:100%;font-size:.92em"'
BOX = ' style="border:1px solid #d0d7de;border-radius:.4em;padding:.5em .9em;margin:.8em 0"'
