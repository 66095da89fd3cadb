"""pyproject's filterwarnings: a warning raised in our own packages fails the test."""

from __future__ import annotations

import warnings

import pytest

import api


def test_a_warning_from_our_code_is_an_error() -> None:
    with pytest.raises(UserWarning):
        # warn_explicit with our module name: as if api/ itself had warned.
        warnings.warn_explicit("ours", UserWarning, api.__file__, 1, module="api.example")
