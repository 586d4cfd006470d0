r"""TF-IDF (词频-逆文档频率) from scratch, equal to ``sklearn``'s ``TfidfVectorizer``.

For $N$ documents, term $t$ and document $d$: $\mathrm{tf}(t, d)$ is the raw count of $t$ in
$d$ and $\mathrm{df}(t)$ the number of documents containing $t$. scikit-learn's idf is
$$\mathrm{idf}(t) = \ln\frac{1 + N}{1 + \mathrm{df}(t)} + 1 \ \ (\texttt{smooth\_idf=True}),\qquad
\mathrm{idf}(t) = \ln\frac{N}{\mathrm{df}(t)} + 1 \ \ (\texttt{smooth\_idf=False}),$$
the "+1 inside" smoothing acts as if one extra document contained every term once (no division
by zero), and the "+1 outside" keeps a term that is in every document at weight 1 rather than 0.
A document's vector is $w_{d,t} = \mathrm{tf}(t, d)\,\mathrm{idf}(t)$, then divided by its L2
norm, so the dot product of two rows is their cosine similarity.

**Why the log.** $N/\mathrm{df}$ is the inverse of the fraction of documents containing $t$;
$\ln(N/\mathrm{df}) = -\ln P(t \in d)$ is the information (in nats) of seeing $t$. Without the
log a term found in one document of a million would weigh $10^6$ times a term found in all of
them and one rare word (a typo) would swamp every other; the log compresses that ratio to
$\ln 10^6 \approx 13.8$, and it sends a term present everywhere to $\ln 1 = 0$, which a square
root ($\sqrt{N/\mathrm{df}} = 1$) or the raw ratio would not.

Tokens come from :func:`tokenize`: scikit-learn's analyzer (lower-case, ``(?u)\b\w\w+\b``,
optionally its English stop words) for every run of non-CJK text, so on such text it equals
``CountVectorizer(...).build_analyzer()``; a run of CJK characters (Chinese, Japanese kana,
Korean Hangul: no spaces between words) becomes its overlapping character **bigrams**
(批归一化 → 批归, 归一, 一化; a single character stays a unigram). Any word of two or more
characters inside a run then shares all its bigrams with the run, so a query for 归一化 matches
a text that says 批归一化, with no word segmenter (and none of its dictionary's mistakes). With
stop words on, a CJK token holding a Chinese particle or question character (的, 吗, 什么, 怎么 …)
is dropped too (:func:`is_cjk_stop`): rare in an English book, such tokens would score high.
Scikit-learn's ``TfidfVectorizer(analyzer=analyzer())`` takes the same function, so both sides
see identical tokens.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import numpy as np

from mlnotes._checks import check_nonempty
from mlnotes.rag._vectors import real_array


TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
# Kana, Han (extension A, unified ideographs, compatibility ideographs, the supplementary planes), Hangul syllables
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
CJK_RUN = re.compile(f"([{CJK_CHARS}]+)")


@functools.lru_cache(maxsize=1)
def english_stop_words() -> frozenset:
    """scikit-learn's ENGLISH_STOP_WORDS, read from its source file (importing sklearn takes ~2 s).

    See chapter: chapters/rag.md
    """
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.submodule_search_locations[0]) / "feature_extraction" / "_stop_words.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ENGLISH_STOP_WORDS":
            return frozenset(ast.literal_eval(node.value.args[0]))
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # pragma: no cover - layout changed

    return frozenset(ENGLISH_STOP_WORDS)


def cjk_bigrams(run: str) -> list:
    """Overlapping character bigrams of a run of CJK characters; one character stays a unigram: str -> list of str.

    ``cjk_bigrams("批归一化") == ["批归", "归一", "一化"]``. See chapter: chapters/rag.md
    """
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def is_cjk_token(token: str) -> bool:
    """True for a token of CJK characters (a bigram or single character of :func:`tokenize`): str -> bool.

    See chapter: chapters/rag.md
    """
    return CJK_RUN.fullmatch(token) is not None


# Chinese stop words: particles and question words. In a book written in English they are rare, so
# their idf is high, and a question's 什么 would match the few pages that quote Chinese questions.
CJK_STOP_CHARS = frozenset("的了吗呢吧啊么什怎哪啥")  # a bigram with one of these is dropped (什么, 么是, 的偏)
CJK_STOP_BIGRAMS = frozenset({"如何", "是否", "为何"})  # 如 and 何 alone also occur in content words (几何)


def is_cjk_stop(token: str) -> bool:
    """True for a CJK token that is a Chinese stop word: it holds a particle or question character, or is one of
    a few question bigrams (如何, 是否, 为何): str -> bool. See chapter: chapters/rag.md
    """
    return is_cjk_token(token) and (token in CJK_STOP_BIGRAMS or not CJK_STOP_CHARS.isdisjoint(token))


def tokenize(text: str, stop_words: bool = True, cjk: bool = True) -> list:
    """Lower-case tokens: scikit-learn's word analyzer on non-CJK text, character bigrams of CJK runs.

    Non-CJK text gives what ``CountVectorizer(stop_words="english").build_analyzer()`` gives
    (tested): runs of 2+ word characters, English stop words removed if ``stop_words``. Each run
    of CJK characters gives :func:`cjk_bigrams` in place (without the Chinese stop words of
    :func:`is_cjk_stop` if ``stop_words``), so tokens stay in text order
    ("BN层" → ``["bn", "层"]``). ``cjk=False`` is scikit-learn's analyzer on the whole text (a
    Chinese sentence is then one token). str -> list of str. See chapter: chapters/rag.md
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    text = text.lower()
    if not cjk:
        tokens = TOKEN_PATTERN.findall(text)
    else:
        tokens = []
        for i, part in enumerate(CJK_RUN.split(text)):  # odd parts are CJK runs
            tokens.extend(cjk_bigrams(part) if i % 2 else TOKEN_PATTERN.findall(part))
    if not stop_words:
        return tokens
    stop = english_stop_words()
    return [t for t in tokens if t not in stop and not (cjk and is_cjk_stop(t))]


def analyzer(stop_words: bool = True, cjk: bool = True):
    """The tokenizer as a one-argument function (what TfidfVectorizer's ``analyzer=`` takes): str -> list.

    See chapter: chapters/rag.md
    """
    return functools.partial(tokenize, stop_words=stop_words, cjk=cjk)


def _check_docs(name: str, docs) -> list:
    if isinstance(docs, str) or not hasattr(docs, "__iter__"):
        raise TypeError(f"{name} must be a list of token lists, got {type(docs).__name__}")
    docs = [list(d) for d in docs]
    check_nonempty(name, docs)
    for i, d in enumerate(docs):
        if not all(isinstance(t, str) for t in d):
            raise TypeError(f"{name}[{i}] must be a list of str tokens")
    return docs


def vocabulary(docs_tokens) -> dict:
    """Term -> column index, terms sorted as scikit-learn sorts them: list of token lists -> dict.

    See chapter: chapters/rag.md
    """
    docs = _check_docs("docs_tokens", docs_tokens)
    terms = sorted({t for d in docs for t in d})
    if not terms:
        raise ValueError("docs_tokens must contain at least one token")
    return {t: j for j, t in enumerate(terms)}


def counts(docs_tokens, vocab: dict, dtype=np.float64) -> np.ndarray:
    """Raw term counts tf(t, d): N token lists -> (N, V) array of ``dtype`` (unknown terms ignored).

    See chapter: chapters/rag.md
    """
    docs = _check_docs("docs_tokens", docs_tokens)
    out = np.zeros((len(docs), len(vocab)), dtype=_check_dtype(dtype))  # (N, V)
    for i, d in enumerate(docs):
        for t in d:
            j = vocab.get(t)
            if j is not None:
                out[i, j] += 1
    return out


def _check_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def _check_counts(tf) -> np.ndarray:
    tf = real_array("tf", tf)
    if tf.ndim != 2 or tf.shape[0] == 0:
        raise ValueError(f"tf must have shape (N, V) with N >= 1, got {tf.shape}")
    return tf


def idf(tf: np.ndarray, smooth_idf: bool = True) -> np.ndarray:
    """Inverse document frequency as scikit-learn defines it: (N, V) counts -> (V,).

    A float32 ``tf`` gives a float32 idf (as ``TfidfTransformer`` does); other inputs give float64.
    See chapter: chapters/rag.md
    """
    tf = _check_counts(tf)  # (N, V)
    n = tf.shape[0]
    df = np.count_nonzero(tf, axis=0).astype(tf.dtype)  # (V,)
    if smooth_idf:
        return np.log((1 + n) / (1 + df)) + 1  # ln((1+N)/(1+df)) + 1
    if np.any(df == 0):
        raise ValueError("smooth_idf=False needs every term in at least one document (df > 0)")
    return np.log(n / df) + 1  # ln(N/df) + 1


def tfidf(docs_tokens, smooth_idf: bool = True, vocab: dict | None = None, dtype=np.float64) -> tuple:
    """L2-normalized TF-IDF matrix and its vocabulary: N token lists -> ((N, V) array of ``dtype``, dict).

    ``dtype`` is float64 (default) or float32, like ``TfidfVectorizer(dtype=...)``.
    See chapter: chapters/rag.md
    """
    vocab = vocabulary(docs_tokens) if vocab is None else vocab
    tf = counts(docs_tokens, vocab, dtype)  # (N, V)
    w = tf * idf(tf, smooth_idf)  # (N, V)
    norms = np.linalg.norm(w, axis=1, keepdims=True)  # (N, 1)
    return w / np.where(norms > 0, norms, 1), vocab


def tfidf_query(query_tokens, vocab: dict, idf_values: np.ndarray) -> np.ndarray:
    """A query's L2-normalized TF-IDF vector under a fitted vocabulary and idf: tokens -> (V,).

    The vector has the dtype of ``idf_values`` (float32 stays float32). See chapter: chapters/rag.md
    """
    idf_values = real_array("idf_values", idf_values)
    q = counts([list(query_tokens)], vocab, idf_values.dtype)[0] * idf_values  # (V,)
    n = np.linalg.norm(q)
    return q / n if n > 0 else q


def idf_variants(n_docs: int, df: np.ndarray) -> dict:
    """Term weight as a function of df for several idf choices: () , (K,) -> dict of (K,).

    Raw ratio N/df, ln(N/df), sqrt(N/df), sklearn smooth and plain, and the BM25 (Lucene) idf.
    See chapter: chapters/rag.md
    """
    df = real_array("df", df)  # a floating df keeps its dtype
    return {
        "N/df (no log)": n_docs / df,
        "sqrt(N/df)": np.sqrt(n_docs / df),
        "ln(N/df)": np.log(n_docs / df),
        "sklearn smooth": np.log((1 + n_docs) / (1 + df)) + 1,
        "BM25 (Lucene)": np.log(1 + (n_docs - df + 0.5) / (df + 0.5)),
    }
