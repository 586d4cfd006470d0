"""Chinese in the retriever: CJK bigram tokens, BM25 and TF-IDF equal to their references on them, the glossary's
query translation, the routing of a question to its encoder, the Chinese question set, and the site search's
Python splitter (the same bigrams as the retriever; English split exactly as Sphinx splits it)."""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlnotes.rag.bm25 import BM25, FieldedBM25
from mlnotes.rag.cache import EmbeddingCache
from mlnotes.rag.corpus import Section, load_book
from mlnotes.rag.dense import Embedder, hashing_encode
from mlnotes.rag.multilingual import dense_model, has_cjk, is_chinese
from mlnotes.rag.questions_zh import QUESTIONS, has_latin, twin_queries
from mlnotes.rag.retriever import ChunkConfig, Retriever
from mlnotes.rag.tfidf import CJK_RUN, analyzer, cjk_bigrams, is_cjk_stop, is_cjk_token, tfidf, tokenize
from mlnotes.rag.translate import dictionary_from, expand, translate
from tests.hypothesis_settings import PROPERTIES

ROOT = Path(__file__).resolve().parents[1]

ZH_DOCS = [
    "Batch Normalization (批归一化) normalizes over the batch; 批归一化在推理时用滑动平均。",
    "Layer Normalization (层归一化) normalizes each token over its features.",
    "偏差-方差权衡：模型越复杂，偏差越小，方差越大。",
    "过拟合 (overfitting): 训练误差小而测试误差大；早停和权重衰减可以缓解过拟合。",
    "BM25 的 k1 控制词频饱和，b 控制长度归一化。",
    "The inverted index (倒排索引) maps each term to its postings list.",
    "单",
]


# -- the tokenizer --------------------------------------------------------------------------------
def test_cjk_runs_become_bigrams_in_text_order():
    assert cjk_bigrams("批归一化") == ["批归", "归一", "一化"]
    assert cjk_bigrams("树") == ["树"]
    assert tokenize("Batch Normalization (批归一化)") == ["batch", "normalization", "批归", "归一", "一化"]
    assert tokenize("BN层和LayerNorm") == ["bn", "层和", "layernorm"]  # a run stops at Latin letters
    assert tokenize("偏差-方差，过拟合。") == ["偏差", "方差", "过拟", "拟合"]  # punctuation ends a run
    assert tokenize("the 树 of") == ["树"]  # English stop words go; a single character stays a unigram
    assert tokenize("the 的 of") == [] and tokenize("the 的 of", stop_words=False) == ["the", "的", "of"]
    assert tokenize("批归一化", cjk=False) == ["批归一化"]  # scikit-learn: one token for the whole run
    assert tokenize("カタカナ と 한국어 𠀀𠀁") == ["カタ", "タカ", "カナ", "と", "한국", "국어", "𠀀𠀁"]


def test_a_shorter_term_shares_every_bigram_of_the_longer_one():
    """What makes 归一化 find 批归一化: every bigram of a substring is a bigram of the string."""
    longer = set(tokenize("批归一化"))
    for part in ("批归", "归一化", "批归一", "一化"):
        assert set(tokenize(part)) <= longer


def test_chinese_stop_words_are_particles_and_question_words():
    """什么, 怎么, 如何 … are rare in an English book, so they would score high; bigrams holding them go."""
    assert tokenize("什么是批归一化？") == ["是批", "批归", "归一", "一化"]
    assert tokenize("什么是批归一化？", stop_words=False) == ["什么", "么是", "是批", "批归", "归一", "一化"]
    assert tokenize("如何防止过拟合") == ["何防", "防止", "止过", "过拟", "拟合"]  # a pair across words stays
    assert tokenize("为什么要除以根号") == ["要除", "除以", "以根", "根号"]  # 为什, 什么, 么要 go
    assert [t for t in ("什么", "怎么", "的偏", "如何", "是否", "吗") if is_cjk_stop(t)] == ["什么", "怎么", "的偏", "如何",
                                                                                      "是否", "吗"]
    assert not any(is_cjk_stop(t) for t in ("几何", "归一", "中心", "what", "的x"))  # content words; not CJK
    assert is_cjk_token("归一") and is_cjk_token("树") and not is_cjk_token("bn") and not is_cjk_token("层x")


@PROPERTIES
@given(st.text(alphabet=st.characters(blacklist_characters="\u3040\u30ff", blacklist_categories=("Cs",)),
               max_size=60))
def test_without_cjk_the_tokens_are_sklearns(text):
    from sklearn.feature_extraction.text import CountVectorizer

    if CJK_RUN.search(text):
        return
    assert tokenize(text) == CountVectorizer(stop_words="english").build_analyzer()(text)


@PROPERTIES
@given(st.lists(st.sampled_from(["批", "归", "一", "化", "层", "x", "yz", " ", "，", "BN", "的"]), max_size=30))
def test_tokens_are_the_bigrams_of_each_run(pieces):
    text = "".join(pieces)
    expected = []
    for i, part in enumerate(CJK_RUN.split(text.lower())):
        if i % 2:
            expected += [part] if len(part) == 1 else [part[j:j + 2] for j in range(len(part) - 1)]
        else:
            expected += [w for w in part.replace("，", " ").split() if len(w) >= 2]
    assert tokenize(text, stop_words=False) == expected


# -- BM25 and TF-IDF on CJK tokens, against their references ----------------------------------------
ZH_QUERIES = ["批归一化在推理时怎么算？", "归一化", "过拟合怎么办", "偏差和方差", "k1 控制什么", "倒排索引", "单", "没有的词"]


@pytest.mark.parametrize("variant", ["lucene", "robertson", "atire"])
def test_bm25_on_cjk_tokens_equals_bm25s(variant):
    import bm25s

    docs = [tokenize(t) for t in ZH_DOCS]
    queries = [tokenize(q) for q in ZH_QUERIES]
    queries = [q for q in queries if any(t in {w for d in docs for w in d} for t in q)]  # bm25s needs a known token
    ref = bm25s.BM25(k1=1.5, b=0.75, method=variant)
    ref.index(docs, show_progress=False)
    ours = BM25(1.5, 0.75, variant).fit(docs)
    for q in queries:
        np.testing.assert_allclose(ours.scores(q), ref.get_scores(q), rtol=1e-6, atol=1e-6)


def test_bm25_on_cjk_tokens_equals_rank_bm25():
    from rank_bm25 import BM25Okapi

    docs = [tokenize(t) for t in ZH_DOCS]
    ours, ref = BM25(1.5, 0.75, "okapi").fit(docs), BM25Okapi(docs, k1=1.5, b=0.75)
    for q in ZH_QUERIES:
        np.testing.assert_allclose(ours.scores(tokenize(q)), ref.get_scores(tokenize(q)), rtol=1e-12, atol=1e-12)


def test_bigrams_find_the_term_inside_a_longer_run():
    docs = [tokenize(t) for t in ZH_DOCS]
    whole = BM25().fit([tokenize(t, cjk=False) for t in ZH_DOCS])
    bigram = BM25().fit(docs)
    assert whole.scores(tokenize("归一化", cjk=False)).max() == 0  # 批归一化 and 层归一化 are other tokens
    scores = bigram.scores(tokenize("归一化"))
    assert set(np.flatnonzero(scores > 0)) == {0, 1, 4}  # 批归一化, 层归一化, 长度归一化


@pytest.mark.parametrize("smooth_idf", [True, False])
def test_tfidf_with_cjk_tokens_equals_sklearn(smooth_idf):
    from sklearn.feature_extraction.text import TfidfVectorizer

    ours, vocab = tfidf([tokenize(t) for t in ZH_DOCS], smooth_idf=smooth_idf)
    vec = TfidfVectorizer(analyzer=analyzer(), smooth_idf=smooth_idf)
    np.testing.assert_allclose(ours, vec.fit_transform(ZH_DOCS).toarray(), rtol=1e-12, atol=1e-15)
    assert vocab == vec.vocabulary_ and "归一" in vocab


def test_fielded_bm25_is_the_sum_of_bm25_on_each_field():
    docs = [tokenize(t) for t in ZH_DOCS]
    latin = [[t for t in d if not is_cjk_token(t)] for d in docs]
    cjk = [[t for t in d if is_cjk_token(t)] for d in docs]
    fielded = FieldedBM25().fit(docs)
    for q in ZH_QUERIES + ["batch normalization 推理", "postings list"]:
        tokens = tokenize(q)
        qa, qb = [t for t in tokens if not is_cjk_token(t)], [t for t in tokens if is_cjk_token(t)]
        expected = BM25().fit(latin).scores(qa) + BM25().fit(cjk).scores(qb)
        np.testing.assert_allclose(fielded.scores(tokens), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fielded.score_matrix([tokenize(q) for q in ZH_QUERIES]),
                               np.stack([fielded.scores(tokenize(q)) for q in ZH_QUERIES], axis=1), rtol=1e-12)
    assert set(fielded.vocab) == {t for d in docs for t in d} and fielded.vocab["归一"] == 1 and fielded.vocab["bm25"] == 0


@PROPERTIES
@given(st.lists(st.lists(st.sampled_from(["ab", "cd", "ef", "归一", "一化", "树", "层"]), max_size=8), min_size=1,
                max_size=6).filter(lambda docs: any(docs)),
       st.lists(st.sampled_from(["ab", "cd", "zz", "归一", "树", "无"]), max_size=5))
def test_fielded_bm25_equals_the_slow_reference_per_field(docs, query):
    from mlnotes.rag.bm25 import bm25_reference

    fielded = FieldedBM25().fit(docs)
    expected = np.zeros(len(docs))
    for keep in (lambda t: not is_cjk_token(t), is_cjk_token):
        field = [[t for t in d if keep(t)] for d in docs]
        if any(field):
            expected += bm25_reference([t for t in query if keep(t)], field)
    np.testing.assert_allclose(fielded.scores(query), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fielded.score_matrix([query])[:, 0], expected, rtol=1e-10, atol=1e-12)


def test_chinese_glosses_leave_the_english_scores_unchanged():
    """Adding "(批归一化)" to a document lengthens its CJK field only: an English query scores it as before."""
    english = ["batch normalization normalizes over the batch", "layer normalization normalizes each token",
               "the inverted index maps each term to its postings"]
    glossed = [english[0] + " (批归一化，推理时用滑动平均)", english[1] + " (层归一化)", english[2]]
    plain, fielded = BM25().fit([tokenize(t) for t in english]), FieldedBM25().fit([tokenize(t) for t in glossed])
    single = BM25().fit([tokenize(t) for t in glossed])
    q = tokenize("batch normalization")
    np.testing.assert_array_equal(fielded.scores(q), plain.scores(q))
    assert not np.allclose(single.scores(q), plain.scores(q))  # one field: the glosses change the lengths
    no_cjk = FieldedBM25().fit([tokenize(t) for t in english])  # a corpus without CJK: one plain BM25
    assert no_cjk.fields[1] is None
    np.testing.assert_array_equal(no_cjk.scores(tokenize("归一化 batch")), plain.scores(q[:1]))


# -- query translation through the glossary ---------------------------------------------------------
DICT = dictionary_from([("BatchNorm", ["批归一化"], []), ("Batch Normalization", ["批归一化"], ["BN"]),
                        ("Normalization", ["归一化", "归一化 / 标准化"], []), ("Standardization", ["标准化"], []),
                        ("Xavier / Glorot initialization", ["Xavier 初始化"], []), ("Gates", ["门"], [])])


def test_dictionary_keeps_pure_chinese_terms_of_two_or_more_characters():
    assert DICT == {"批归一化": ("BatchNorm", "Batch Normalization", "BN"), "归一化": ("Normalization",),
                    "标准化": ("Normalization", "Standardization")}


def test_translation_takes_the_longest_terms_first_without_overlap():
    assert translate("批归一化和标准化有什么区别", DICT) == ["BatchNorm", "Batch Normalization", "BN", "Normalization",
                                                          "Standardization"]
    assert translate("归一化", DICT) == ["Normalization"]
    assert translate("what is BN", DICT) == [] and expand("what is BN", DICT) == "what is BN"
    assert expand("批归一化？", DICT) == "批归一化？ BatchNorm Batch Normalization BN"


def test_the_books_glossary_translates_its_own_terms():
    from mlnotes.rag.translate import glossary_dictionary

    d = glossary_dictionary(ROOT)
    assert "BatchNorm" in d["批归一化"] or "Batch Normalization" in d["批归一化"]
    assert all(len(term) >= 2 and CJK_RUN.fullmatch(term) for term in d)


# -- routing a question to its encoder ------------------------------------------------------------
def test_auto_routes_questions_written_mostly_in_chinese_to_use():
    assert has_cjk("Adam 的偏差修正") and not has_cjk("Adam's bias correction, résumé")
    assert dense_model("为什么除以根号 d_k") == "use" and dense_model("why sqrt d_k") == "minilm"
    assert dense_model("view 和 reshape 有什么区别？") == "use"  # 6 characters, 11 letters: 2 * 6 >= 11
    assert dense_model("Why use cross-entropy for classification? (为什么用交叉熵)") == "minilm"  # glossed English
    assert is_chinese("ab中") and not is_chinese("abc中") and not is_chinese("") and not is_chinese("123")
    assert dense_model("为什么", "minilm") == "minilm" and dense_model("why", "use") == "use"


def test_every_english_question_of_the_book_stays_with_minilm():
    """English retrieval is unchanged: auto sends every interview question (some glossed in Chinese) to MiniLM,
    and every Chinese question of the set to USE."""
    book = load_book(ROOT)
    assert all(dense_model(q.text) == "minilm" for q in book.queries)
    assert all(dense_model(q.zh) == "use" and dense_model(q.en) == "minilm" for q in QUESTIONS)


def _hashing(name, dim, tmp_path):
    return Embedder(name, encode=lambda t: hashing_encode(t, dim), cache=EmbeddingCache(name, root=tmp_path), dim=dim)


@pytest.fixture
def retriever(tmp_path):
    sections = [Section("c", "C", title, title.lower(), None, 2, text) for title, text in
                [("Batch norm", ZH_DOCS[0]), ("Layer norm", ZH_DOCS[1]), ("Bias variance", ZH_DOCS[2]),
                 ("Overfitting", ZH_DOCS[3]), ("BM25", ZH_DOCS[4]), ("Inverted index", ZH_DOCS[5])]]
    return Retriever(sections, ChunkConfig("structure", 20, 0), embedder=_hashing("h384", 384, tmp_path),
                     multilingual=_hashing("h512", 512, tmp_path), dictionary=DICT)


def test_each_query_is_searched_with_its_encoder(retriever):
    retriever.search("batch statistics at inference", "dense")
    assert retriever.vectors is not None and retriever.multilingual_vectors is None  # English: MiniLM only
    q = "批归一化 在 推理 时 normalizes batch"
    zh = retriever.ranking(q, "dense")
    assert retriever.multilingual_vectors.shape == (len(retriever.chunks), 512)
    assert zh == retriever.ranking(q, "dense", model="use")
    np.testing.assert_allclose(retriever.chunk_scores(q, "dense", "use"),
                               retriever.multilingual_vectors @ hashing_encode([q], 512)[0], rtol=1e-6)
    np.testing.assert_allclose(retriever.chunk_scores(q, "dense", "minilm"),
                               retriever.vectors @ hashing_encode([q], 384)[0], rtol=1e-6)
    retriever.ranking(q, "dense", model="minilm")
    keys = {key[3] for key in retriever._rankings}  # the encoder is part of each remembered ranking's key
    assert keys == {"minilm", "use"}


def test_a_batch_of_mixed_languages_equals_one_query_at_a_time(retriever):
    queries = ["批归一化在推理时怎么算", "layer normalization features", "过拟合怎么办", "postings list"]
    together = retriever.rankings(queries, "hybrid")
    retriever.forget_rankings()
    assert together == [retriever.ranking(q, "hybrid") for q in queries]


def test_bm25_appends_the_translation_and_english_is_untouched(retriever):
    assert retriever.bm25_query("批归一化？") == tokenize("批归一化？ BatchNorm Batch Normalization BN")
    assert retriever.bm25_query("batch statistics") == tokenize("batch statistics")
    plain = Retriever(retriever.sections, retriever.config, embedder=retriever.embedder)  # no dictionary
    for q in ("batch statistics at inference", "postings list of a term"):
        assert plain.ranking(q, "bm25") == retriever.ranking(q, "bm25")


# -- the Chinese question set ------------------------------------------------------------------------
def test_question_set_targets_labelled_sections_of_the_book():
    book = load_book(ROOT)
    zh, en = twin_queries(book)
    assert len(QUESTIONS) >= 20 and len(zh) == len(en) == len(QUESTIONS)
    assert len({q.zh for q in QUESTIONS}) == len(QUESTIONS)
    for q, z, e in zip(QUESTIONS, zh, en):
        assert has_cjk(q.zh) and not has_cjk(q.en)
        assert z.relevant == e.relevant and len(z.relevant) == len(q.relevant)
    assert sum(not has_latin(q.zh) for q in QUESTIONS) >= len(QUESTIONS) // 2  # most are Chinese only
    assert has_latin("Adam 的偏差修正") and not has_latin("批归一化？")


def test_a_renamed_label_is_refused(tmp_path):
    from mlnotes.rag.questions_zh import TwinQuestion
    from tests.test_rag_corpus import write_book

    book = load_book(write_book(tmp_path))
    with pytest.raises(ValueError, match="not found: sec-gone"):
        twin_queries(book, [TwinQuestion("动量", "momentum", ("sec-alpha-momentum", "sec-gone"))])
    zh, en = twin_queries(book, [TwinQuestion("动量", "momentum", ("sec-alpha-momentum",))])
    assert zh[0].relevant == en[0].relevant == frozenset({"alpha#sec-alpha-momentum"}) and zh[0].chapter == "alpha"


# -- the site search's splitter (_ext/cjk_search.py) ----------------------------------------------
@pytest.fixture(scope="module")
def search_languages():
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import cjk_search
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    from sphinx.search.en import SearchEnglish

    return cjk_search.SearchEnglishCJK({}), SearchEnglish({}), cjk_search


def test_site_search_splits_cjk_runs_into_the_retrievers_bigrams(search_languages):
    cjk, _, module = search_languages
    from mlnotes.rag.tfidf import CJK_CHARS

    assert module.CJK_CHARS == CJK_CHARS  # the same character ranges on both sides
    text = "Batch Normalization (批归一化) and BN层 — 偏差-方差, 𠀀𠀁"
    assert cjk.split(text) == ["Batch", "Normalization", "批归", "归一", "一化", "and", "BN", "层", "偏差", "方差", "𠀀𠀁"]
    for run in CJK_RUN.findall(text):
        assert cjk.split(run) == tokenize(run)  # the site and `mlnotes ask` cut Chinese the same way


@PROPERTIES
@given(st.text(max_size=80))
def test_site_search_splits_text_without_cjk_as_sphinx_does(text):
    """English results cannot change: without CJK characters the index terms are Sphinx's own."""
    import sys as _sys

    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import cjk_search
    finally:
        _sys.path.remove(str(ROOT / "_ext"))
    from sphinx.search.en import SearchEnglish

    cjk, plain = cjk_search.SearchEnglishCJK({}), SearchEnglish({})
    if CJK_RUN.search(text):
        assert all(len(t) <= 2 or not CJK_RUN.search(t) for t in cjk.split(text))
    else:
        assert cjk.split(text) == plain.split(text)
    assert [cjk.stem(w) for w in cjk.split("gradients normalization")] == ["gradient", "normal"]  # porter kept


def test_site_search_registers_itself_for_english(search_languages):
    from sphinx.search import languages

    class App:
        def add_search_language(self, cls):
            self.registered = cls

    app = App()
    meta = search_languages[2].setup(app)
    assert app.registered.lang == "en" and meta["parallel_read_safe"]
    assert "splitQuery" in app.registered.js_splitter_code
    assert languages["en"] is not None


# -- the evaluation of Chinese questions ----------------------------------------------------------------
def _queries(pairs):
    from mlnotes.rag.corpus import Query

    return [Query(text, "c", frozenset({f"c#{anchor}"})) for text, anchor in pairs]


ZH = _queries([("批归一化在推理时怎么算", "batch norm"), ("过拟合 怎么办", "overfitting"), ("倒排索引 是什么", "inverted index")])
EN = _queries([("batch norm at inference", "batch norm"), ("overfitting what to do", "overfitting"),
               ("what is an inverted index", "inverted index")])


def test_chapter_at_3_hand_worked():
    from mlnotes.rag.corpus import Query
    from mlnotes.rag.evaluate import chapter_at_3

    qs = [Query("a", "x", frozenset({"x#1"})), Query("b", "y", frozenset({"y#1", "z#2"}))]
    assert chapter_at_3([["w#1", "x#9", "w#2"], ["w#1", "w#2", "w#3", "z#2"]], qs) == 0.5  # 4th place is too late
    assert chapter_at_3([["x#1"], ["z#5"]], qs) == 1.0


def test_model_comparison_rows_agree_with_their_definitions(retriever):
    from mlnotes.rag.evaluate import COMPARISON, evaluate, model_comparison

    rows = {r["method"]: r for r in model_comparison(retriever, ZH, EN)}
    assert list(rows) == [label for label, *_ in COMPARISON]
    auto, use, minilm = rows["hybrid, auto (default)"], rows["hybrid, USE"], rows["hybrid, MiniLM"]
    for k in ("hit@1", "mrr@10", "chapter@3"):
        assert auto[f"zh {k}"] == use[f"zh {k}"] and auto[f"en {k}"] == minilm[f"en {k}"]  # each its own encoder
        assert rows["BM25, whole runs"][f"en {k}"] == rows["BM25, bigrams"][f"en {k}"]  # no CJK: the same tokens
    hybrid = evaluate(retriever, ZH, ("hybrid",))[0]
    assert (auto["zh hit@1"], auto["zh mrr@10"]) == (hybrid["hit@1"], hybrid["mrr@10"])


def test_evaluation_table_adds_the_chinese_columns(retriever):
    from mlnotes.rag.evaluate import evaluate, evaluation_table, html_table

    table = evaluation_table(retriever, EN, ZH, methods=("bm25", "dense", "hybrid", "rerank"))
    assert [r["method"] for r in table] == ["BM25", "dense (MiniLM)", "hybrid (RRF)", "hybrid + rerank"]
    assert table[3]["zh hit@1"] is None and table[3]["zh mrr@10"] is None
    zh = evaluate(retriever, ZH, ("bm25", "dense", "hybrid"))
    assert [r["zh mrr@10"] for r in table[:3]] == [r["mrr@10"] for r in zh]
    assert "<td>—</td>" in html_table(table, ["method", "zh mrr@10"])
