"""Bad input to mlnotes.appendix raises an error that names the argument or the missing piece."""

from __future__ import annotations

import pytest

from mlnotes.appendix import errata as E
from mlnotes.appendix.sources import anchor_id, load_chapters, parse_chapter

TOY = parse_chapter("# Toy\n\n(sec-a)=\n## A\n\ntext\n", "toy")
NO_DEMO = E.Erratum(1, "t", "toy", "c", "r", None)

CASES = [
    ("source not a str", lambda: parse_chapter(b"# bytes", "toy"), TypeError, "source must be a str"),
    ("root without chapters/", lambda: load_chapters("/"), ValueError, "root must contain a chapters/ folder"),
    ("empty heading text", lambda: anchor_id(""), ValueError, "name must be a non-empty string"),
    ("unknown label", lambda: TOY.href("sec-b"), KeyError, "has no label 'sec-b'"),
    ("erratum number 0", lambda: E.erratum(0, "t", chapter="toy", claim="c", right="r"), ValueError, "positive int"),
    ("further erratum without quote", lambda: E.erratum(30, "t", chapter="toy", claim="c", right="r", section="s"),
     ValueError, "give section= and quote="),
    ("chapter missing", lambda: E.locate(E.Erratum(1, "t", "gone", "c", "r", None), {"toy": TOY}), LookupError,
     r"erratum 1: no chapter introduces 'erratum 1' \(in a heading or a bold lead, or anywhere in chapters/gone.md\)"),
    ("never mentioned", lambda: E.locate(NO_DEMO, {"toy": TOY}), LookupError, "no chapter introduces 'erratum 1'"),
    ("label missing", lambda: E.locate(E.Erratum(23, "t", "toy", "c", "r", None, section="sec-z", quote="q"),
                                       {"toy": TOY}), LookupError, r"the label \(sec-z\)= is in no chapter"),
    ("quote gone", lambda: E.locate(E.Erratum(23, "t", "toy", "c", "r", None, section="sec-a", quote="gone"),
                                    {"toy": TOY}), LookupError, r"section \(sec-a\) of chapters/toy.md no longer says"),
]


@pytest.mark.parametrize("name, call, error, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named(name, call, error, match):
    with pytest.raises(error, match=match):
        call()
