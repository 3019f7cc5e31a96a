"""The 1-d fast path of mean/median/trimmed_mean (robstat._api._fast_1d) gives what
the general path gives: same value, same result type, same errors and warnings.
The general path is forced with workers=1 / axis=0, which skip the fast path."""

import warnings

import numpy as np
import pytest
import robstat as rs
from robstat import _api


def _calls(x, policy):
    return [
        (lambda **k: rs.mean(x, nan_policy=policy, **k)),
        (lambda **k: rs.median(x, nan_policy=policy, **k)),
        (lambda **k: rs.trimmed_mean(x, nan_policy=policy, **k)),
        (lambda **k: rs.trimmed_mean(x, 0.25, nan_policy=policy, **k)),
    ]


def _outcome(f, **kw):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        try:
            v = f(**kw)
        except Exception as e:  # noqa: BLE001 -- the exception itself is compared
            return ("raise", type(e), str(e)), []
    return (type(v), np.asarray(v).dtype, np.asarray(v).tobytes()), [
        (w.category, str(w.message)) for w in rec]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("policy", ["propagate", "omit", "raise"])
@pytest.mark.parametrize("case", ["plain", "nan", "empty", "allnan", "strided", "inf"])
def test_fast_path_matches_general_path(dtype, policy, case):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(1001).astype(dtype)
    if case == "nan":
        x[[3, 500]] = np.nan
    elif case == "empty":
        x = x[:0]
    elif case == "allnan":
        x[:] = np.nan
    elif case == "strided":
        x = x[::3]
    elif case == "inf":
        x[10] = np.inf
    assert _api._fast_1d(x, None, False, None, policy)
    before = x.copy()
    for f in _calls(x, policy):
        fast = _outcome(f)
        assert fast == _outcome(f, workers=1)
        assert fast == _outcome(f, axis=0)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("x", [np.arange(5.0).astype(">f8"), np.arange(5, dtype=np.float16),
                               np.arange(5), np.arange(6.0).reshape(2, 3), [1.0, 2.0],
                               np.ma.masked_array([1.0, 2.0])])
def test_other_inputs_take_the_general_path(x):
    assert not _api._fast_1d(x, None, False, None, "propagate")


def test_bad_policy_is_still_an_error():
    with pytest.raises(ValueError, match="nan_policy"):
        rs.mean(np.ones(3), nan_policy="bogus")
    with pytest.raises(ValueError, match="nan_policy"):
        rs.median(np.ones(3), nan_policy="bogus")
    with pytest.raises(ValueError, match="nan_policy"):
        rs.trimmed_mean(np.ones(3), 0.1, nan_policy="bogus")
