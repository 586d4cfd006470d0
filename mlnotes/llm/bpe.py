r"""Byte-level byte-pair encoding (BPE, 字节对编码) from scratch: train merges, encode, decode.

Training (Sennrich et al., 2016; byte-level as in GPT-2, Radford et al., 2019):

1. Split the text into pre-tokens with GPT-2's regular expression (a word keeps the space before it:
   ``" the"``), and write each pre-token as its UTF-8 bytes, each byte shown as one printable character
   (GPT-2's ``bytes_to_unicode`` table; the space byte is ``Ġ``). The alphabet is all 256 bytes, so any
   text can be encoded: byte-level BPE has no out-of-vocabulary token.
2. Count every adjacent pair of symbols over all words (a word seen $n$ times counts $n$ times).
3. Merge the most frequent pair $(a, b)$ into a new symbol $ab$ everywhere (left to right, non-overlapping),
   record the merge, and repeat until the vocabulary has ``vocab_size`` symbols or no pair is left.
   Ties go to the pair whose two ids are smallest, ids being given in order of creation (the 256 byte
   symbols first, sorted by code point) — the rule of Hugging Face ``tokenizers``' ``BpeTrainer``, so
   both produce the same merges (tested).

Encoding a new text applies the learned merges to each pre-token in rank order (the earliest-learned
pair that occurs is merged first). Decoding concatenates the symbols and maps them back to bytes:
``decode(encode(s)) == s`` for every string.

See chapter: chapters/llm.md
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

# GPT-2's pre-tokenizer (as Hugging Face's ByteLevel pre-tokenizer): contractions, letters, digits, other
# symbols, each optionally after one space; runs of whitespace.
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


@functools.lru_cache(maxsize=1)
def bytes_to_unicode() -> dict:
    """GPT-2's table byte (0–255) -> printable character: printable bytes map to themselves, the rest upward."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), 256))
    table, shift = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + shift)  # e.g. the space byte 32 -> 'Ġ' (U+0120)
            shift += 1
    return table


def pretokenize(text: str) -> list[str]:
    """Pre-tokens of ``text`` as byte-symbol strings, e.g. "Hi there" -> ["Hi", "Ġthere"]."""
    import regex

    table = bytes_to_unicode()
    return ["".join(table[b] for b in piece.encode("utf-8")) for piece in regex.findall(GPT2_PATTERN, text)]


def _merge_word(word: tuple, a: str, b: str) -> tuple:
    """Replace every (a, b) in ``word`` by ab, left to right, non-overlapping."""
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == a and word[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def _pair_counts(words: dict) -> Counter:
    """Counts of adjacent symbol pairs over all words, each weighted by how often the word occurs."""
    counts = Counter()
    for word, n in words.items():
        for pair in zip(word, word[1:]):
            counts[pair] += n
    return counts


def _train(words: dict, vocab: dict, vocab_size: int) -> list:
    """The merge loop: count pairs, merge the most frequent (ties: smallest ids), until vocab_size symbols."""
    merges = []
    while len(vocab) < vocab_size:
        counts = _pair_counts(words)  # recounted every round: simple, O(total word length) per merge
        if not counts:
            break
        (a, b), _ = max(counts.items(), key=lambda kv: (kv[1], -vocab[kv[0][0]], -vocab[kv[0][1]]))
        merges.append((a, b))
        vocab.setdefault(a + b, len(vocab))  # a new symbol gets the next id
        words = {_merge_word(w, a, b): n for w, n in words.items()}
    return merges


@dataclass(frozen=True)
class BPETokenizer:
    """Learned byte-level BPE: ``vocab`` (symbol -> id) and ``merges`` (pairs, in the order learned).

    See chapter: chapters/llm.md
    """

    vocab: dict
    merges: tuple

    @functools.cached_property
    def _ranks(self) -> dict:
        return {pair: r for r, pair in enumerate(self.merges)}

    @functools.cached_property
    def _inverse(self) -> dict:
        return {i: s for s, i in self.vocab.items()}

    def tokenize(self, text: str) -> list[str]:
        """The symbols of ``text``: each pre-token split into learned pieces."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return [s for word in pretokenize(text) for s in self._encode_word(word)]

    def _encode_word(self, word: str) -> tuple:
        """Apply the merges in rank order: repeatedly merge the earliest-learned pair present."""
        symbols = tuple(word)
        while len(symbols) > 1:
            pairs = [p for p in zip(symbols, symbols[1:]) if p in self._ranks]
            if not pairs:
                break
            a, b = min(pairs, key=self._ranks.__getitem__)
            symbols = _merge_word(symbols, a, b)
        return symbols

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (never out of vocabulary: every byte is a symbol)."""
        return [self.vocab[s] for s in self.tokenize(text)]

    def decode(self, ids) -> str:
        """The string of a sequence of token ids (exact inverse of :meth:`encode`)."""
        inverse_bytes = {c: b for b, c in bytes_to_unicode().items()}
        try:
            symbols = "".join(self._inverse[int(i)] for i in ids)
        except KeyError as err:
            raise ValueError(f"unknown token id {err.args[0]}") from None
        return bytes(inverse_bytes[c] for c in symbols).decode("utf-8", errors="replace")


def train_bpe(texts, vocab_size: int) -> BPETokenizer:
    """Learn byte-level BPE merges on ``texts`` (a str or a list of str) until ``vocab_size`` symbols.

    ``vocab_size`` ≥ 256 (the byte alphabet). Returns a :class:`BPETokenizer`. Same merges and ids as
    ``tokenizers``' ``BpeTrainer`` with the ByteLevel pre-tokenizer and its 256-byte initial alphabet.
    See chapter: chapters/llm.md
    """
    from mlnotes._checks import check_int

    if isinstance(texts, str):
        texts = [texts]
    elif isinstance(texts, (list, tuple)):
        texts = list(texts)
    else:
        raise TypeError(f"texts must be a str or a non-empty list of str, got {type(texts).__name__}")
    if not texts or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a str or a non-empty list of str")
    vocab_size = check_int("vocab_size", vocab_size, low=256)
    words = Counter(tuple(w) for t in texts for w in pretokenize(t))  # word (as symbols) -> count
    vocab = {c: i for i, c in enumerate(sorted(bytes_to_unicode().values()))}  # 256 byte symbols, by code point
    merges = _train(dict(words), vocab, vocab_size)
    return BPETokenizer(vocab, tuple(merges))
