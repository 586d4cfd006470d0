"""Interview practice built from the chapters: the question bank, flashcards, cheat sheets and drills.

Nothing here is written twice. The chapters' interview dropdowns, their "Cheat sheet (速查)"
sections and their "Hand-write it (手撕)" drills are read from the chapter sources
(:mod:`mlnotes.appendix.sources`) when a page runs or a command is called:

* :mod:`mlnotes.interview.gather` — every interview question with its answer and links;
* :mod:`mlnotes.interview.render` — a MyST fragment (an answer, a cheat sheet) as HTML or plain text;
* :mod:`mlnotes.interview.bank` — the question-bank appendix (``chapters/questions.md``);
* :mod:`mlnotes.interview.deck` — the flashcard deck and its app (``chapters/flashcards.md``);
* :mod:`mlnotes.interview.cheatsheets` — each chapter's one-page cheat sheet;
* :mod:`mlnotes.interview.drills` — every drill: its task, stub, checker and solution (``mlnotes drill``);
* :mod:`mlnotes.interview.site` — a Sphinx hook that shows the chapters' computed values on the site.

See chapter: chapters/questions.md, chapters/flashcards.md
"""
