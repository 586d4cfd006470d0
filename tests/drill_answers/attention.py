"""Known wrong answers to the attention drills (mlnotes/drills/attention.py): softmax, attention, multi-head attention.

Self-contained (numpy only): exec'd alone in the reader's browser. Each function is a mistake a reader makes; the
checker must fail it, and name it where its hint list does.
"""

import numpy as np


def _stable_softmax(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _scores(q, k):
    return q @ np.swapaxes(k, -1, -2)


def _masked(s, mask):
    return s if mask is None else np.where(mask, s, -np.inf)


# -- softmax -------------------------------------------------------------------------------------
def softmax_naive(x):
    e = np.exp(x)  # no shift: overflows at 1e4
    return e / e.sum(axis=-1, keepdims=True)


def softmax_global_max(x):
    e = np.exp(x - np.max(x))  # the notes' erratum 4: one max for the whole array
    return e / e.sum(axis=-1, keepdims=True)


def softmax_wrong_axis(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_whole_sum(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum()


def softmax_axis1(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))  # fails on 1-D input
    return e / e.sum(axis=1, keepdims=True)


def softmax_modifies_input(x):
    x -= x.max(axis=-1, keepdims=True)  # right values, but the caller's array is changed
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


# -- scaled dot-product attention -----------------------------------------------------------------
def attention_no_scale(q, k, v, mask=None):
    return _stable_softmax(_masked(_scores(q, k), mask)) @ v


def attention_divides_by_dk(q, k, v, mask=None):
    return _stable_softmax(_masked(_scores(q, k) / q.shape[-1], mask)) @ v


def attention_inverted_mask(q, k, v, mask=None):
    return _stable_softmax(_masked(_scores(q, k) / np.sqrt(q.shape[-1]), None if mask is None else ~mask)) @ v


def attention_mask_after_softmax(q, k, v, mask=None):
    w = _stable_softmax(_scores(q, k) / np.sqrt(q.shape[-1]))
    return (w if mask is None else w * mask) @ v


def attention_softmax_over_queries(q, k, v, mask=None):
    s = _masked(_scores(q, k) / np.sqrt(q.shape[-1]), mask)
    e = np.exp(s - s.max(axis=-2, keepdims=True))
    return e / e.sum(axis=-2, keepdims=True) @ v


def attention_transpose_with_T(q, k, v, mask=None):
    return _stable_softmax(_masked(q @ k.T / np.sqrt(q.shape[-1]), mask)) @ v  # .T reverses every axis


def attention_unstable_softmax(q, k, v, mask=None):
    return softmax_naive(_masked(_scores(q, k) / np.sqrt(q.shape[-1]), mask)) @ v


def attention_in_float16(q, k, v, mask=None):
    s = _masked(_scores(q, k) / np.sqrt(q.shape[-1]), mask)
    return (_stable_softmax(s) @ v).astype(np.float16)


# -- multi-head attention -------------------------------------------------------------------------
def _mha(x, w_q, w_k, w_v, w_o, num_heads, mask=None, *, model_scale=False, bad_split=False, use_wo=True,
         flip=False):
    B, L, d = x.shape
    dh = d // num_heads
    if bad_split:
        split = lambda t: t.reshape(B, num_heads, L, dh)  # noqa: E731
    else:
        split = lambda t: t.reshape(B, L, num_heads, dh).transpose(0, 2, 1, 3)  # noqa: E731
    q, k, v = split(x @ w_q), split(x @ w_k), split(x @ w_v)
    s = _masked(_scores(q, k) / np.sqrt(d if model_scale else dh), None if mask is None else (~mask if flip else mask))
    heads = _stable_softmax(s) @ v  # (B, h, L, d_h)
    concat = heads.reshape(B, L, d) if bad_split else heads.transpose(0, 2, 1, 3).reshape(B, L, d)
    return concat @ w_o if use_wo else concat


def mha_scaled_by_d_model(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    return _mha(x, w_q, w_k, w_v, w_o, num_heads, mask, model_scale=True)


def mha_split_by_plain_reshape(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    return _mha(x, w_q, w_k, w_v, w_o, num_heads, mask, bad_split=True)


def mha_without_w_o(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    return _mha(x, w_q, w_k, w_v, w_o, num_heads, mask, use_wo=False)


def mha_inverted_mask(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    return _mha(x, w_q, w_k, w_v, w_o, num_heads, mask, flip=True)


def mha_heads_not_merged(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    B, L, d = x.shape
    split = lambda t: t.reshape(B, L, num_heads, d // num_heads).transpose(0, 2, 1, 3)  # noqa: E731
    q, k, v = split(x @ w_q), split(x @ w_k), split(x @ w_v)
    return _stable_softmax(_masked(_scores(q, k) / np.sqrt(d // num_heads), mask)) @ v  # (B, h, L, d_h)


ANSWERS = {
    "softmax": [softmax_naive, softmax_global_max, softmax_wrong_axis, softmax_whole_sum, softmax_axis1,
                softmax_modifies_input],
    "attention": [attention_no_scale, attention_divides_by_dk, attention_inverted_mask, attention_mask_after_softmax,
                  attention_softmax_over_queries, attention_transpose_with_T, attention_unstable_softmax,
                  attention_in_float16],
    "multi_head_attention": [mha_scaled_by_d_model, mha_split_by_plain_reshape, mha_without_w_o, mha_inverted_mask,
                             mha_heads_not_merged],
}
