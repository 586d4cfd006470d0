"""Questions the source notes raise that no chapter answers yet: the question bank's to-do list.

The book grew from five Chinese interview notes (八股, ``shared/seeds/000``–``004``). The notes were
read against the bank by hand (they are not part of the book's sources), and the topics below are the
ones the notes name or ask about that no chapter answers. Each is written in the book's own words with
the notes' term, names the notes it comes from, and carries a pattern that a question of the bank
answering it would match: ``tests/test_questions.py`` fails when a chapter's question matches one, so
that it leaves this list.

See chapter: chapters/questions.md
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    """A question of the notes no chapter answers yet: the question, the notes' term, which notes ask it."""

    question: str
    term: str
    notes: str
    pattern: str  # a regular expression (case-insensitive) a question of the bank answering it would match


GAPS = (
    Gap("What is the difference between a model's parameters and its hyperparameters?", "参数与超参数", "000",
        r"\bparameters?\b.*\bhyperparameters?|hyperparameters?\b.*\bparameters?\b"),
    Gap("What is reinforcement learning, and how does it differ from supervised and semi-supervised learning?",
        "强化学习", "001", r"reinforcement"),
    Gap("How does k-nearest-neighbours classify, and what does a prediction cost?", "K近邻", "001",
        r"nearest.neighbo|\bk-?nn\b"),
    Gap("How is self-attention related to graph neural networks?", "GNN, 图神经网络", "000", r"graph neural|\bgnn"),
    Gap("What is a mixture of experts (MoE), and how is the routing trained?", "混合专家", "001",
        r"mixture of experts|\bmoe\b"),
    Gap("What is chain-of-thought prompting, and why does it help reasoning?", "CoT, 思维链", "001",
        r"chain.of.thought|\bcot\b"),
    Gap("What is knowledge distillation, for example of BERT?", "知识蒸馏", "001, 003", r"distil"),
    Gap("How does the unigram-language-model (ULM) subword tokenizer differ from BPE and WordPiece?",
        "ULM, 子词算法", "003", r"unigram|\bulm\b|sentencepiece"),
    Gap("How does XLNet's permutation language modelling differ from BERT's masking?", "XLNet", "003", r"xlnet"),
    Gap("How does ALBERT make BERT smaller?", "ALBERT", "003", r"\balbert\b"),
    Gap("What do Transformer-XL's segment recurrence and relative positions add?", "Transformer-XL", "003",
        r"transformer-xl"),
    Gap("CRF vs HMM, and how does the Viterbi algorithm decode them?", "条件随机场, 隐马尔可夫模型", "003",
        r"\bhmm\b|hidden markov"),
    Gap("Adadelta, Adamax and Nadam: how do they differ from Adam?", "优化器", "003", r"adadelta|adamax|nadam"),
)


@dataclass
class SeedGaps:
    """The list, printable and as HTML."""

    gaps: tuple

    def __repr__(self) -> str:
        return "\n".join(f"- {g.question} ({g.term}; notes {g.notes})" for g in self.gaps)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(g.question)} ({html.escape(g.term)}; notes {html.escape(g.notes)})</li>"
                        for g in self.gaps)
        return f'<ol class="mlnotes-seed-gaps">{items}</ol>'


def seed_gaps() -> SeedGaps:
    """The notes' questions no chapter answers yet (see the module docstring).

    See chapter: chapters/questions.md
    """
    return SeedGaps(GAPS)
