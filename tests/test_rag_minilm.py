"""The real MiniLM encoder (loaded offline from its package): unit vectors, semantics, the disk cache,
and equality with calling sentence-transformers directly. Loading the model takes most of this file's time."""

import numpy as np

from mlnotes.rag.cache import EmbeddingCache
from mlnotes.rag.dense import Embedder


def test_minilm_embeddings_are_unit_vectors_and_cached(tmp_path, capfd):
    emb = Embedder(cache=EmbeddingCache("minilm-test", root=tmp_path))
    texts = ["why divide attention scores by the square root of d_k",
             "scaled dot-product attention divides by sqrt(d_k) to keep the softmax from saturating",
             "clip the global gradient norm to stop exploding gradients"]
    v = emb.embed(texts)
    out, err = capfd.readouterr()
    assert out == "" and err == "", "loading the model must print nothing (no progress bars, no warnings)"
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2  # the paraphrase is much closer than the unrelated sentence
    again = Embedder(cache=EmbeddingCache("minilm-test", root=tmp_path))
    np.testing.assert_array_equal(again.embed(texts), v)
    assert again.encoded == 0
    from mlnotes.rag.dense import load_model

    model = load_model()
    direct = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    np.testing.assert_allclose(v, direct, rtol=1e-5, atol=1e-6)
    from mlnotes.rag.dense import token_counts

    assert token_counts(texts).tolist() == [len(model.tokenizer(t)["input_ids"]) for t in texts]
