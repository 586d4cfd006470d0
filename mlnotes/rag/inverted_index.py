r"""An inverted index (倒排索引): term dictionary, postings with term frequencies, gap + varint coding, AND/OR.

The **term dictionary** maps each term to an id; the **postings list** of term $t$ is the
ascending list of documents containing it, $P_t = (d_1 < d_2 < \dots)$, each with its term
frequency. A query "$a$ AND $b$" is the intersection $P_a \cap P_b$, "$a$ OR $b$" the union;
both are merges of sorted lists in $O(|P_a| + |P_b|)$, and **galloping** (exponential search)
intersects in $O(|P_a| \log(|P_b|/|P_a|))$ when one list is much shorter. Only documents that
contain a query term are ever touched, unlike a scan of all $N$ documents.

**Compression.** Store the gaps $g_1 = d_1,\ g_i = d_i - d_{i-1} \ge 1$ (delta encoding, 差值编码)
instead of the ids: they are small for frequent terms. Each gap is written as a **varint**:
7 bits per byte, least significant group first, the high bit set on every byte but the last,
so a gap below 128 takes one byte, below 16 384 two bytes, and so on.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from mlnotes._checks import check_int
from mlnotes.rag.tfidf import _check_docs


def _check_sorted_ids(name: str, ids) -> list:
    ids = [check_int(f"{name}[{i}]", d, low=0) for i, d in enumerate(ids)]
    if any(b <= a for a, b in zip(ids, ids[1:])):
        raise ValueError(f"{name} must be strictly increasing document ids")
    return ids


def varint_encode(numbers) -> bytes:
    """Non-negative integers as LEB128-style varints (7 bits per byte, high bit = more): list -> bytes.

    See chapter: chapters/rag.md
    """
    out = bytearray()
    for i, n in enumerate(numbers):
        n = check_int(f"numbers[{i}]", n, low=0)
        while n >= 0x80:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)
    return bytes(out)


def varint_decode(data: bytes) -> list:
    """Inverse of :func:`varint_encode`: bytes -> list of int.

    See chapter: chapters/rag.md
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    out, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            out.append(value)
            value, shift = 0, 0
    if shift:
        raise ValueError("data ends in the middle of a varint (last byte has its high bit set)")
    return out


def encode_postings(doc_ids) -> bytes:
    """Strictly increasing doc ids -> gaps -> varint bytes. See chapter: chapters/rag.md"""
    ids = _check_sorted_ids("doc_ids", doc_ids)
    gaps = [b - a for a, b in zip([0] + ids[:-1], ids)] if ids else []  # first gap = first id
    return varint_encode(gaps)


def decode_postings(data: bytes) -> list:
    """Varint bytes -> gaps -> doc ids (running sum). See chapter: chapters/rag.md"""
    out, total = [], 0
    for g in varint_decode(data):
        total += g
        out.append(total)
    return out


def intersect(a, b) -> list:
    """AND of two sorted id lists by a linear merge: O(|a| + |b|). See chapter: chapters/rag.md"""
    i = j = 0
    out = []
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            out.append(a[i])
            i += 1
            j += 1
        elif a[i] < b[j]:
            i += 1
        else:
            j += 1
    return out


def _gallop(b, target, lo: int) -> int:
    """The first index >= lo with b[index] >= target, by doubling steps then bisection."""
    step, hi = 1, lo
    while hi < len(b) and b[hi] < target:
        lo = hi
        hi += step
        step *= 2
    return bisect.bisect_left(b, target, lo, min(hi + 1, len(b)))


def intersect_galloping(a, b) -> list:
    """AND of two sorted id lists, galloping through the longer one: O(|a| log(|b|/|a|)), |a| <= |b|.

    See chapter: chapters/rag.md
    """
    if len(a) > len(b):
        a, b = b, a
    out, j = [], 0
    for x in a:
        j = _gallop(b, x, j)
        if j == len(b):
            break
        if b[j] == x:
            out.append(x)
    return out


def union(a, b) -> list:
    """OR of two sorted id lists by a linear merge. See chapter: chapters/rag.md"""
    i = j = 0
    out = []
    while i < len(a) or j < len(b):
        if j == len(b) or (i < len(a) and a[i] < b[j]):
            x = a[i]
            i += 1
        elif i == len(a) or b[j] < a[i]:
            x = b[j]
            j += 1
        else:
            x = a[i]
            i += 1
            j += 1
        out.append(x)
    return out


@dataclass
class InvertedIndex:
    """Term dictionary + postings (doc ids with term frequencies), optionally gap/varint-compressed.

    See chapter: chapters/rag.md
    """

    terms: dict = field(default_factory=dict)  # term -> term id
    postings: list = field(default_factory=list)  # term id -> [doc ids], ascending
    freqs: list = field(default_factory=list)  # term id -> [tf per posting]
    n_docs: int = 0

    @classmethod
    def build(cls, docs_tokens) -> "InvertedIndex":
        """Index tokenized documents: N token lists -> InvertedIndex. See chapter: chapters/rag.md"""
        docs = _check_docs("docs_tokens", docs_tokens)
        index = cls(n_docs=len(docs))
        for d, tokens in enumerate(docs):
            counts: dict = {}
            for t in tokens:
                counts[t] = counts.get(t, 0) + 1
            for t, c in counts.items():
                tid = index.terms.setdefault(t, len(index.terms))
                if tid == len(index.postings):
                    index.postings.append([])
                    index.freqs.append([])
                index.postings[tid].append(d)  # documents arrive in order: lists stay sorted
                index.freqs[tid].append(c)
        return index

    def posting(self, term: str) -> list:
        """Ascending doc ids containing ``term`` (empty if unknown)."""
        tid = self.terms.get(term)
        return [] if tid is None else self.postings[tid]

    def and_query(self, terms, galloping: bool = False) -> list:
        """Documents containing every term: shortest postings first. See chapter: chapters/rag.md"""
        lists = sorted((self.posting(t) for t in terms), key=len)
        if not lists:
            return []
        out = lists[0]
        for p in lists[1:]:
            out = intersect_galloping(out, p) if galloping else intersect(out, p)
            if not out:
                break
        return list(out)

    def or_query(self, terms) -> list:
        """Documents containing at least one term. See chapter: chapters/rag.md"""
        out: list = []
        for t in terms:
            out = union(out, self.posting(t))
        return out

    def compressed_bytes(self) -> int:
        """Total size of every postings list as gap + varint bytes."""
        return sum(len(encode_postings(p)) for p in self.postings)

    def raw_bytes(self) -> int:
        """Total size of every postings list as 4-byte integers."""
        return 4 * sum(len(p) for p in self.postings)


def scan_and(docs_tokens, terms) -> list:
    """Brute-force AND, the baseline the index beats: read every document's tokens for every term.

    See chapter: chapters/rag.md
    """
    return [i for i, d in enumerate(docs_tokens) if all(t in d for t in terms)]
