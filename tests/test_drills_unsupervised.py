"""Unsupervised drills: solutions pass (and equal scikit-learn), typical mistakes fail with the expected hint,
hostile code never crashes."""

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans as SklearnKMeans

from mlnotes.drills.core import Verdict
from mlnotes.drills.unsupervised import (_kmeans_variant, _pca_reference, _pca_variant, check_kmeans, check_pca,
                                         kmeans_cases, kmeans_solution, pca_solution)
from mlnotes.unsupervised import pca_svd
from tests.drill_answers.unsupervised import (kmeans_as_in_the_notes, kmeans_integer_centres,
                                              kmeans_updates_init_centers_in_place)


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


def test_browser_reference_is_sklearns():
    """The browser's reference (pca_svd with sklearn's signs) equals sklearn's PCA on every case, signs included."""
    for (comps, var), (ref_comps, ref_var) in zip(_pca_reference("mlnotes"), _pca_reference("library")):
        np.testing.assert_array_equal(np.sign(comps), np.sign(ref_comps))
        np.testing.assert_allclose(comps, ref_comps, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(var, ref_var, rtol=1e-14, atol=0)


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


def test_integer_centres_answer_is_named():
    verdict = check_kmeans(kmeans_integer_centres)
    assert not verdict.passed and "integer dtype" in verdict.message, verdict.message


def test_notes_style_kmeans_fails_with_nan_hint():
    verdict = check_kmeans(kmeans_as_in_the_notes)
    assert not verdict.passed
    failed = [r for r in verdict.results if not r.passed]
    assert any("NaN" in r.message for r in failed)


@pytest.mark.parametrize("fn,text", [
    (kmeans_updates_init_centers_in_place, "in place"),
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
