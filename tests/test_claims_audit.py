"""scripts/claims.py: the prose audit counts {eval}s and asserts and finds numerals typed in prose."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("claims", ROOT / "scripts" / "claims.py")
claims = importlib.util.module_from_spec(spec)
spec.loader.exec_module(claims)

CHAPTER = '''---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13}
kernelspec: {name: python3, display_name: Python 3 (ipykernel), language: python}
---

# Title

The loss falls to {eval}`loss_text` after $10^3$ steps, and `lr = 0.5` is code (Kingma and Ba, 2015).

The plain claim: it is 3 times faster.

:::{dropdown} Why?
Because of 42 reasons, see {eval}`why`.
:::

```{code-cell} ipython3
loss_text = "0.1"
why = "x"
assert 1 + 1 == 2
np.testing.assert_allclose(1.0, 1.0)
```
'''


def test_counts_and_typed_numerals(tmp_path):
    path = tmp_path / "toy.md"
    path.write_text(CHAPTER)
    row = claims.audit(path)
    assert row["eval"] == 2  # one in a paragraph, one inside a dropdown
    assert row["asserts"] == 2
    # math, inline code, the {eval} and the citation year are not typed claims; the two numerals are
    assert row["bare"] == ["The plain claim: it is 3 times faster.", "Because of 42 reasons, see ."]


def test_every_toc_chapter_is_audited():
    names = [p.stem for p in claims.chapters()]
    assert "optimizers" in names and names.index("optimizers") < names.index("attention")
