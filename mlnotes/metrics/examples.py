r"""Probabilities and predictions of small real models, for calibration, multi-class AUC, bootstrap and regression.

* **Calibration** (:func:`calibration_logits`): ``make_classification`` (4000 samples, 20 features, one
  cluster per class, 3 informative, 10 redundant), a stratified 50/50 split, and two models: logistic regression
  (its log-odds $z = w^\top x + b$) and Gaussian naive Bayes (its log-odds from the joint log
  likelihoods; the redundant, correlated features break its independence assumption, so it is
  overconfident). A **temperature** $T$ rescales the log-odds, $\hat p = \sigma(z / T)$: $T < 1$
  makes a model more confident, $T > 1$ less; the order of the scores, hence AUC, never changes.
* **Multi-class** (:func:`wine_probabilities`): scikit-learn's wine data (178 wines, 3 cultivars
  of 59, 71 and 48), two features (alcohol, malic acid), a stratified 50/50 split,
  standardization and a multinomial logistic regression: test labels and (n, 3) probabilities.
* **Bootstrap** (:func:`binormal_scores`): the binormal model, scores $s \mid y{=}0 \sim \mathcal N(0, 1)$
  and $s \mid y{=}1 \sim \mathcal N(d', 1)$, whose population AUC is
  $\Pr(s^+ > s^-) = \Phi(d'/\sqrt 2)$ (the difference of the two scores is $\mathcal N(d', 2)$).
* **Regression** (:func:`diabetes_predictions`): scikit-learn's diabetes data (442 patients, 10
  features), a 50/50 split and ordinary least squares: test targets and predictions.

Each is cached; the returned arrays are read-only.

See chapters: chapters/metrics.md, chapters/metrics_ranking.md
"""

from __future__ import annotations

import functools
import math

import numpy as np

from mlnotes._checks import check_int, check_real

CALIBRATION_MODELS = ("logistic regression", "naive Bayes")


def _frozen(*arrays):
    for a in arrays:
        a.flags.writeable = False
    return arrays


def calibration_logits(model="logistic regression", *, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Test labels and log-odds of a classifier on synthetic data: -> (2000,) int64, (2000,) float64.

    ``model``: "logistic regression" or "naive Bayes". P(positive) is ``sigmoid(logits / T)``.
    See chapter: chapters/metrics.md
    """
    if not isinstance(model, str) or model not in CALIBRATION_MODELS:
        raise ValueError(f"model must be one of {list(CALIBRATION_MODELS)}, got {model!r}")
    return _calibration_logits(model, check_int("seed", seed, low=0))


@functools.lru_cache(maxsize=4)
def _calibration_logits(model: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.naive_bayes import GaussianNB

    X, y = make_classification(n_samples=4000, n_features=20, n_informative=3, n_redundant=10, n_clusters_per_class=1,
                               random_state=seed)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, stratify=y, random_state=seed)
    if model == "logistic regression":
        logits = LogisticRegression(random_state=seed).fit(X_tr, y_tr).decision_function(X_te)  # (n,) w·x + b
    else:
        joint = GaussianNB().fit(X_tr, y_tr).predict_joint_log_proba(X_te)  # (n, 2) log P(x, y)
        logits = joint[:, 1] - joint[:, 0]  # (n,) log-odds, finite even where predict_proba rounds to 0 or 1
    return _frozen(y_te.astype(np.int64), logits.astype(np.float64))


def with_temperature(logits, temperature) -> np.ndarray:
    """P(positive) = sigmoid(logits / T), computed without overflow: (n,) -> (n,) float64.

    See chapter: chapters/metrics.md
    """
    from scipy.special import expit

    t = check_real("temperature", temperature, low=0.0, low_open=True)
    return expit(np.asarray(logits, dtype=np.float64) / t)


def wine_probabilities(*, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Test cultivars and class probabilities of a logistic regression on two wine features: -> (89,), (89, 3).

    See chapter: chapters/metrics.md
    """
    return _wine_probabilities(check_int("seed", seed, low=0))


@functools.lru_cache(maxsize=2)
def _wine_probabilities(seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_wine
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    wine = load_wine()
    X = wine.data[:, [0, 1]]  # (178, 2) alcohol, malic acid
    X_tr, X_te, y_tr, y_te = train_test_split(X, wine.target, test_size=0.5, stratify=wine.target,
                                              random_state=seed)
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=seed)).fit(X_tr, y_tr)
    return _frozen(y_te.astype(np.int64), model.predict_proba(X_te))


def binormal_scores(n, *, d_prime=1.0, positive_rate=0.5, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """n labels (exactly round(rate · n) positives, at least one of each) and binormal scores: -> (n,), (n,).

    See chapter: chapters/metrics.md
    """
    n = check_int("n", n, low=2)
    d_prime = check_real("d_prime", d_prime)
    rate = check_real("positive_rate", positive_rate, low=0.0, high=1.0, low_open=True, high_open=True)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    n_pos = min(max(1, round(rate * n)), n - 1)
    y = np.zeros(n, dtype=np.int64)
    y[rng.choice(n, size=n_pos, replace=False)] = 1  # (n,)
    return y, rng.standard_normal(n) + d_prime * y  # (n,) N(0, 1) or N(d', 1)


def binormal_auc(d_prime) -> float:
    """Population AUC Φ(d' / √2) of the binormal model. See chapter: chapters/metrics.md"""
    d = check_real("d_prime", d_prime)
    return 0.5 * (1 + math.erf(d / 2))  # Φ(x) = (1 + erf(x/√2)) / 2 with x = d/√2


def diabetes_predictions(*, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Test targets and least-squares predictions on sklearn's diabetes data: -> (221,), (221,) float64.

    See chapter: chapters/metrics_ranking.md
    """
    return _diabetes_predictions(check_int("seed", seed, low=0))


@functools.lru_cache(maxsize=2)
def _diabetes_predictions(seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, random_state=seed)
    return _frozen(y_te.astype(np.float64), LinearRegression().fit(X_tr, y_tr).predict(X_te))
