"""Chunking: fixed windows with overlap (count formula, coverage, overlap), sentences, structure packing."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlnotes.rag.chunking import fixed_chunks, fixed_spans, sentence_spans, sentences, structure_chunks, word_spans

TEXT = ("Adam keeps an EMA of the gradients, e.g. of each coordinate. It divides by the root of v! "
        "Does it need warmup? Not by itself.\n\nA new paragraph starts here. $$ a. B $$ stays whole. Done.")


def test_hand_worked_windows():
    assert fixed_spans("a b c d e f g", 3, 1) == [(0, 5), (4, 9), (8, 13)]  # a b c | c d e | e f g
    assert fixed_spans("a b c d", 3, 1) == [(0, 5), (4, 7)]
    assert fixed_spans("a b", 5, 2) == [(0, 3)]
    assert fixed_spans("", 5, 2) == []
    assert fixed_spans("abcdef", 4, 2, unit="char") == [(0, 4), (2, 6)]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 120), size=st.integers(1, 30), data=st.data())
def test_window_count_coverage_and_overlap(n, size, data):
    overlap = data.draw(st.integers(0, size - 1))
    text = " ".join(f"w{i}" for i in range(n))
    spans = fixed_spans(text, size, overlap)
    words = word_spans(text)
    stride = size - overlap
    expected = 1 if n <= size else math.ceil((n - overlap) / stride)
    assert len(spans) == expected
    firsts = [next(i for i, w in enumerate(words) if w[0] == a) for a, _ in spans]
    lasts = [next(i for i, w in enumerate(words) if w[1] == b) for _, b in spans]
    assert firsts[0] == 0 and lasts[-1] == n - 1  # every word covered
    assert all(b - a + 1 <= size for a, b in zip(firsts, lasts))
    for (a0, b0), a1 in zip(zip(firsts, lasts), firsts[1:]):
        assert a1 - a0 == stride  # windows advance by size - overlap
        assert b0 - a1 + 1 == overlap  # only the last window can be short, so every pair shares `overlap` words


def test_sentences_respect_abbreviations_and_display_math():
    got = sentences(TEXT)
    assert got == ["Adam keeps an EMA of the gradients, e.g. of each coordinate.", "It divides by the root of v!",
                   "Does it need warmup?", "Not by itself.", "A new paragraph starts here.", "$$ a. B $$ stays whole.",
                   "Done."]
    for (a, b), s in zip(sentence_spans(TEXT), got):
        assert TEXT[a:b] == s


@pytest.mark.parametrize("size,overlap", [(5, 0), (8, 1), (12, 2), (40, 1)])
def test_structure_chunks_pack_whole_sentences(size, overlap):
    chunks = structure_chunks(TEXT, size, overlap)
    sents = sentences(TEXT)
    for c in chunks:
        assert TEXT[c.start:c.end] == c.text
        inside = [s for s in sents if s in c.text]
        assert " ".join(inside).split() == c.text.split()  # whole sentences only
        assert len(c.text.split()) <= size or len(inside) == 1  # a long sentence stands alone
    covered = set()
    for c in chunks:
        covered.update(s for s in sents if s in c.text)
    assert covered == set(sents)


def test_structure_overlap_repeats_the_last_sentence():
    chunks = structure_chunks(TEXT, 12, 1)
    repeated = [s for s in sentences(TEXT) if sum(s in c.text for c in chunks) > 1]
    assert repeated, "with overlap 1 some sentence must start the next chunk"
    assert structure_chunks(TEXT, 12, 0)[0].text != chunks[1].text


def test_fixed_chunks_carry_their_section_and_text():
    chunks = fixed_chunks(TEXT, 6, 2, section=4)
    assert {c.section for c in chunks} == {4}
    assert all(TEXT[c.start:c.end] == c.text for c in chunks)
    assert np.all(np.diff([c.start for c in chunks]) > 0)


def test_the_shown_kernels_by_hand():
    from mlnotes.rag.chunking import pack_sentences, window_ranges

    assert window_ranges(7, 3, 1) == [(0, 3), (2, 5), (4, 7)]
    assert window_ranges(4, 3, 1) == [(0, 3), (2, 4)]
    assert window_ranges(2, 5, 2) == [(0, 2)] and window_ranges(0, 5, 2) == []
    # sentences of 4, 3, 5, 2 and 9 words, at most 8 words a chunk, one sentence of overlap: each chunk restarts
    # at the previous chunk's last sentence, unless that sentence and the next would not fit together (2 + 9)
    assert pack_sentences([4, 3, 5, 2, 9], 8, 1) == [(0, 2), (1, 3), (2, 4), (4, 5)]
    assert pack_sentences([4, 3, 5, 2, 9], 8, 0) == [(0, 2), (2, 4), (4, 5)]  # the 9-word sentence alone
    assert pack_sentences([], 8, 1) == []
