"""The coded error catalogue."""

from __future__ import annotations

import re

import pytest

from fogofwar import errors


def test_every_code_is_unique_well_formed_and_has_a_hint() -> None:
    names = [name for name, _t, _h in errors.MESSAGES.values()]
    assert len(names) == len(set(names))
    for code, (_name, template, hint) in errors.MESSAGES.items():
        assert re.fullmatch(r"E[1-5]\d\d", code)
        assert template and hint


def test_message_names_code_and_hint() -> None:
    exc = errors.InputError("E204", size=10, limit=5)
    assert str(exc).startswith("[E204 too-large] the document is 10 bytes, over the limit of 5")
    assert "Hint: raise the limit with --max-bytes" in str(exc)
    assert exc.code == "E204" and exc.name == "too-large"


def test_tree_is_rooted() -> None:
    for cls in (errors.RecordError, errors.InputError, errors.FetchError, errors.StoreError, errors.ConfigError,
                errors.GazetteerError):
        assert issubclass(cls, errors.FogofwarError)
    assert issubclass(errors.FetchError, errors.InputError)


def test_missing_parameters_do_not_hide_the_code() -> None:
    exc = errors.StoreError("E301")
    assert "[E301 store-unreachable]" in str(exc)


def test_unknown_code_is_a_bug() -> None:
    with pytest.raises(KeyError):
        errors.FogofwarError("E999")
