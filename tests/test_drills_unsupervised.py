"""Unsupervised drills: solutions pass (and equal scikit-learn), typical mistakes fail with the expected hint,
hostile code never crashes."""

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans as SklearnKMeans

from mlnotes.drills.core import Verdict
from mlnotes.drills.unsupervised import (_kmeans_variant, _pca_variant, check_kmeans, check_pca, kmeans_cases,
                                         kmeans_solution, pca_solution)
from mlnotes.unsupervised import pca_svd


def test_solutions_pass():
    for verdict in (check_kmeans(kmeans_solution), check_pca(pca_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
    assert check_pca(lambda X, n_components: (pca_svd(X, n_components).components,
                                              pca_svd(X, n_components).explained_variance)).passed


@pytest.mark.parametrize("name,kwargs", kmeans_cases(), ids=[c[0] for c in kmeans_cases()])
def test_kmeans_solution_equals_sklearn(name, kwargs):
    labels, centers = kmeans_solution(**kwargs)
    X, init = kwargs["X"].astype(float), kwargs["init_centers"].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = SklearnKMeans(len(init), init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_allclose(centers, ref.cluster_centers_, atol=1e-9)


def test_sign_flips_are_accepted():
    def flipped(X, n_components):
        comps, var = pca_solution(X, n_components)
        return -comps, var

    assert check_pca(flipped).passed


@pytest.mark.parametrize("knobs,hint", [
    (dict(empty="keep"), "keeps its old centre"),
    (dict(empty="nan"), "NaN"),
    (dict(keep_dtype=True), "integer dtype"),
    (dict(one_pass=True), "one assignment/update pass"),
])
def test_kmeans_mistakes_are_named(knobs, hint):
    verdict = check_kmeans(lambda X, init_centers, max_iter=100: _kmeans_variant(X, init_centers, max_iter, **knobs))
    assert not verdict.passed and hint in verdict.message, verdict.message


@pytest.mark.parametrize("kind,hint", [
    ("uncentred", "not centred"), ("ddof0", "n − 1"), ("singular", "singular values"),
    ("columns", "as rows"), ("smallest", "smallest-variance"), ("U", "erratum 13"),
])
def test_pca_mistakes_are_named(kind, hint):
    verdict = check_pca(lambda X, n_components: _pca_variant(X, n_components, kind))
    assert not verdict.passed and hint in verdict.message, verdict.message


def test_notes_style_kmeans_fails_with_nan_hint():
    def notes_like(X, init_centers, max_iter=100):
        centroids = np.array(init_centers, dtype=float)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(max_iter):
                labels = np.argmin(((X[:, None] - centroids[None]) ** 2).sum(-1), axis=1)
                for j in range(len(centroids)):
                    centroids[j] = X[labels == j].mean(axis=0)
        return labels, centroids

    verdict = check_kmeans(notes_like)
    assert not verdict.passed
    failed = [r for r in verdict.results if not r.passed]
    assert any("NaN" in r.message for r in failed)


def _mutating(X, init_centers, max_iter=100):
    init_centers[0] = 0
    return kmeans_solution(X, init_centers, max_iter)


@pytest.mark.parametrize("fn,text", [
    (_mutating, "in place"),
    (lambda *a, **k: None, "should return a tuple"),
    (lambda X, init_centers, max_iter=100: (np.zeros(len(X)), init_centers, 1), "tuple of 2"),
    (lambda X, init_centers, max_iter=100: (np.zeros(3), init_centers), "has shape"),
    (lambda *a, **k: exit(), "SystemExit"),
    ("kmeans", "expected a function"),
])
def test_hostile_kmeans_code_gets_a_verdict(fn, text):
    verdict = check_kmeans(fn)
    assert not verdict.passed and text in verdict.message, verdict.message


@pytest.mark.parametrize("fn,text", [
    (lambda X, n_components: (np.full((n_components, X.shape[1]), np.nan), np.ones(n_components)), "NaN"),
    (lambda X, n_components: ("a", "b"), "should be an array"),
    (lambda X, n_components: [1, 2], "should return a tuple"),
])
def test_hostile_pca_code_gets_a_verdict(fn, text):
    verdict = check_pca(fn)
    assert not verdict.passed and text in verdict.message, verdict.message
