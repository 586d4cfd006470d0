r"""Evaluating the generation side: faithfulness (忠实度) with a lexical checker, and "lost in the middle".

**Faithfulness.** An answer $a$ is split into claims $c_1, \dots, c_n$ (here: its sentences). A
claim is *supported* when the retrieved context $C$ backs it, and
$$\mathrm{faithfulness}(a, C) = \frac{|\{i : c_i \text{ supported by } C\}|}{n}.$$
Real evaluators (RAGAS, Es et al. 2023) let an LLM extract the claims and judge each one, or
use an NLI model. With no model offline, this module's checker is deliberately simple and says
so: a claim counts as supported when every one of its content words (numbers and negations
included, stop words excluded) occurs in the context. It catches an invented number or term. It
cannot see a paraphrase (false alarm) or words of the context recombined into a false statement
(a miss).

**Position in the prompt.** Liu et al. 2023 ("Lost in the Middle") found that language models use
a passage best at the start or the end of a long context. Putting the $k$ retrieved passages in
rank order leaves ranks 3, 4, … in the middle; :func:`edge_order` places rank 1 first, rank 2
last, rank 3 second, rank 4 second to last, and so on.

See chapter: chapters/rag_training.md
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NEGATIONS = frozenset({"not", "no", "never", "nor", "cannot", "without", "none"})
TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")


def _stop_words() -> frozenset:
    from mlnotes.rag.tfidf import english_stop_words  # scikit-learn's list, without importing scikit-learn

    return english_stop_words() - NEGATIONS


def content_words(text: str) -> list:
    """Lower-cased words and numbers of ``text`` without stop words (negations kept), in order, unique."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    stop = _stop_words()
    return list(dict.fromkeys(t for t in TOKEN.findall(text.lower().replace("n't", " not")) if t not in stop))


def split_claims(answer: str) -> list:
    """The answer's sentences (split after . ! ? followed by a space): -> list of non-empty str."""
    if not isinstance(answer, str):
        raise TypeError(f"answer must be a str, got {type(answer).__name__}")
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", answer) if s.strip()]


@dataclass(frozen=True)
class Claim:
    """One claim of an answer, whether the context supports it, and the words it could not find."""

    text: str
    supported: bool
    missing: tuple


def check_claims(answer: str, context: str) -> list:
    """Each claim of ``answer`` judged against ``context`` (all content words present?): -> list of Claim.

    See chapter: chapters/rag_training.md
    """
    seen = set(content_words(context))
    out = []
    for claim in split_claims(answer):
        missing = tuple(w for w in content_words(claim) if w not in seen)
        out.append(Claim(claim, not missing, missing))
    return out


def faithfulness(answer: str, context: str) -> float:
    """Share of the answer's claims supported by the context: -> float in [0, 1].

    Raises ``ValueError`` for an answer with no claim. See chapter: chapters/rag_training.md
    """
    claims = check_claims(answer, context)
    if not claims:
        raise ValueError("answer must contain at least one sentence")
    return sum(c.supported for c in claims) / len(claims)


def edge_order(n: int) -> list:
    """Prompt position (0-based) -> retrieval rank (0-based) that puts the best ranks at both ends.

    ``edge_order(6) == [0, 2, 4, 5, 3, 1]``: rank 0 first, rank 1 last, rank 2 second, …
    See chapter: chapters/rag_training.md
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be an integer >= 0, got {n!r}")
    front, back = list(range(0, n, 2)), list(range(1, n, 2))
    return front + back[::-1]


def prompt_positions(first_relevant_ranks, n: int, order: str = "rank") -> list:
    """Where (1-based position among ``n`` passages) the first relevant passage lands in the prompt.

    ``first_relevant_ranks``: 1-based rank per question (None or > n: not retrieved, skipped).
    ``order``: ``"rank"`` (rank order) or ``"edges"`` (:func:`edge_order`). See chapter: chapters/rag_training.md
    """
    if order not in ("rank", "edges"):
        raise ValueError(f"order must be 'rank' or 'edges', got {order!r}")
    where = {rank: pos for pos, rank in enumerate(edge_order(n))} if order == "edges" else {r: r for r in range(n)}
    return [where[r - 1] + 1 for r in first_relevant_ranks if r is not None and 1 <= r <= n]
