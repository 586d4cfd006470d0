"""Fill the embedding cache with every text the RAG chapter and ``mlnotes ask`` embed.

Encoding the whole book with MiniLM takes minutes on 2 cores. ``make book`` and ``make test``
run this once, at set-up, so the chapter itself executes on a warm cache and never has to load
the model. The multilingual USE encoder (:mod:`mlnotes.rag.multilingual`) embeds only what the
Chinese questions need: the chunks of the default index and the questions of
:mod:`mlnotes.rag.questions_zh` (seconds: it is a small numpy model). The cache is content-addressed (model name, sha256 of the text), so a changed chapter
re-encodes only its changed chunks. At the end every vector the chapter needs is written to one
pack file, which the chapter reads at once instead of thousands of small files.
Run: ``python -m mlnotes.rag.prime``. See chapter: chapters/rag.md
"""

from __future__ import annotations

import sys
import time

DENSE_SWEEP_SIZES = (50, 100, 200)  # chunk sizes (words) the chapter evaluates with the dense method
EXAMPLE_QUERY = "why divide by sqrt of d_k"  # the chapter's running example
ZH_QUERY = "批归一化在训练和推理时有什么区别？"  # the chapter's example of a question in Chinese
ZH_TABLE_METHODS = ("bm25", "dense", "hybrid")  # the evaluation table's Chinese column (no reranker)
FUSION_QUERY = "layer norm vs batch norm"  # the chapter's example of rank fusion


def prime(root=None) -> dict:
    """Embed (through the cache) what the chapter and the CLI use; return counts and seconds."""
    from mlnotes.rag.corpus import find_root, load_book
    from mlnotes.rag.evaluate import chunk_size_sweep, evaluate, model_comparison, ranked_keys
    from mlnotes.rag.questions_zh import twin_queries
    from mlnotes.rag.rerank import fused_rerank_ranking
    from mlnotes.rag.retriever import ChunkConfig, Retriever
    from mlnotes.rag.store import DEFAULT_CONFIG, open_index
    from mlnotes.rag.transforms import compress, multi_query_ranking
    from mlnotes.rag.translate import glossary_dictionary

    t0 = time.perf_counter()
    root = root or find_root()
    book = load_book(root)
    retriever = Retriever(book.sections, DEFAULT_CONFIG, dictionary=glossary_dictionary(root)).embed(progress=True)
    t_use = time.perf_counter()
    retriever.embed(progress=True, model="use")
    zh, en = twin_queries(book)
    model_comparison(retriever, zh, en)  # both encoders on the Chinese questions and their English twins
    evaluate(retriever, zh, methods=ZH_TABLE_METHODS)
    t_use = time.perf_counter() - t_use
    evaluate(retriever, book.queries)  # the questions and the reranker's sentences
    ranked_keys(retriever, book.queries, "hybrid", transform=fused_rerank_ranking)
    ranked_keys(retriever, book.queries, "hybrid", transform=multi_query_ranking)
    chunk_size_sweep(book.sections, book.queries, DENSE_SWEEP_SIZES, embedder=retriever.embedder,
                     methods=("dense",), mode="structure")
    Retriever(book.sections, ChunkConfig("section", 1, 0), embedder=retriever.embedder).embed()
    retriever.search(FUSION_QUERY, "dense", k=3)
    retriever.search(ZH_QUERY, "hybrid", k=3)
    top = retriever.search(EXAMPLE_QUERY, "hybrid", k=1)[0]
    compress(retriever.embedder, EXAMPLE_QUERY, retriever.sections[top.section].text, n_sentences=3)
    open_index(root, models=("minilm", "use"), progress=False)  # what `mlnotes ask` loads
    packed = retriever.embedder.save_pack() + retriever.multilingual.save_pack()  # the chapter reads one file each
    return {"encoded": retriever.embedder.encoded, "encoded_use": retriever.multilingual.encoded, "packed": packed,
            "seconds": time.perf_counter() - t0, "use_seconds": t_use}


if __name__ == "__main__":  # pragma: no cover
    out = prime()
    print(f"embedding cache ready: {out['encoded']} texts encoded by MiniLM and {out['encoded_use']} by USE "
          f"({out['use_seconds']:.1f} s), {out['packed']} packed, in {out['seconds']:.1f} s", file=sys.stderr)
