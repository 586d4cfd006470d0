"""The appendices generated from the chapters: errata (勘误) and glossary (术语表).

Nothing here is written twice: the errata page and the glossary page are built, when they
execute, from the chapter sources (``mlnotes.appendix.sources``), so a chapter that moves a
section or marks a new term changes the appendix with it.

See chapter: chapters/errata.md, chapters/glossary.md
"""
