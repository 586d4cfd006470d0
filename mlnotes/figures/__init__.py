"""Pure plotting helpers ``f(ax, ...)`` for the chapters' figures and explore() widgets, one module per topic."""
