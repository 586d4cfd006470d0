r"""Sequence-to-sequence (seq2seq) training with teacher forcing (教师强制).

An encoder RNN reads the source $x_1..x_S$ into its final state $c = h_S$; a decoder RNN starts from $c$ and
emits the target one token at a time, each step's input being the previous token. **Teacher forcing** feeds the
*true* previous token during training,

$$\text{decoder input} = (\langle\text{bos}\rangle, y_1, \dots, y_{T-1}),\qquad \text{decoder target} = (y_1, \dots, y_T),$$

so all steps are trained in parallel from the ground truth; at inference the model must feed back its *own*
predictions, which it never saw during training (exposure bias). Scheduled sampling (Bengio et al., 2015) mixes
in the model's own tokens during training. The fixed-size $c$ must hold the whole source; attention
(Bahdanau et al., 2015) lets every decoder step look back at all encoder states instead.

See chapter: chapters/rnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int


def teacher_forcing_inputs(targets, bos: int) -> np.ndarray:
    """Decoder inputs for targets (B, T) ints: the targets shifted right by one, starting with ``bos``.

    See chapter: chapters/rnn.md
    """
    y = np.asarray(targets)
    if y.dtype.kind not in "iu" or y.ndim != 2 or y.shape[1] == 0:
        raise ValueError(f"targets must be a (B, T) integer array with T >= 1, got dtype {y.dtype} shape {y.shape}")
    bos = check_int("bos", bos, low=0)
    return np.concatenate([np.full((y.shape[0], 1), bos, dtype=y.dtype), y[:, :-1]], axis=1)
