"""Linear models from scratch in numpy: least squares and ridge, logistic and softmax regression, naive Bayes,
the single neuron with backpropagation.

See chapter: chapters/linear_models.md
"""

from mlnotes.linear.logistic import LogisticFit, fit_logistic_gd, fit_logistic_newton, log_loss, sigmoid
from mlnotes.linear.naive_bayes import GaussianNB, MultinomialNB
from mlnotes.linear.neuron import neuron_backward, neuron_forward, train_neuron, train_neuron_torch
from mlnotes.linear.regression import GDConfig, LinearFit, fit_linear_gd, least_squares, ridge
from mlnotes.linear.multinomial import SoftmaxFit, fit_softmax_newton, softmax

__all__ = [
    "LinearFit", "GDConfig", "least_squares", "ridge", "fit_linear_gd",
    "sigmoid", "log_loss", "LogisticFit", "fit_logistic_newton", "fit_logistic_gd",
    "softmax", "SoftmaxFit", "fit_softmax_newton",
    "GaussianNB", "MultinomialNB",
    "neuron_forward", "neuron_backward", "train_neuron", "train_neuron_torch",
]
