"""Run defaults shared by the model and the command line, in a module that imports nothing heavy
(``analyzer validate`` builds the full parser and must not pay for numpy or pandas)."""

from __future__ import annotations

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 20_240_601
