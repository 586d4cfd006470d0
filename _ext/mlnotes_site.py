"""Sphinx tweaks that keep the site clean offline (loaded from _config.yml).

* Jupyter Book always loads sphinx-thebe, which injects ``const THEBE_JS_URL`` twice per page
  (a console SyntaxError) and points at unpkg.com. We never use thebe: drop its scripts.
"""

from __future__ import annotations


def _drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is None:
        return
    context["script_files"] = [
        js for js in scripts
        if "thebe" not in str(getattr(js, "filename", js) or "")
        and "THEBE_JS_URL" not in str(getattr(js, "attributes", {}).get("body", ""))
    ]


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
