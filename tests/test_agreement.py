"""Agreement figures of `coopsec validate`, checked against values worked out by hand."""

import pytest

from cooperative_security.analysis.agreement import agreement


def pairs(matrix, labels):
    return [(labels[r], labels[c]) for r, row in enumerate(matrix) for c, n in enumerate(row) for _ in range(n)]


def test_cohen_kappa_of_a_textbook_table():
    # p_o = 35/50 = 0.7; p_e = (25*30 + 25*20)/2500 = 0.5; kappa = (0.7-0.5)/(1-0.5) = 0.4
    result = agreement(pairs([[20, 5], [10, 15]], ["yes", "no"]), ["yes", "no"])
    assert result.matrix == ((20, 5), (10, 15))
    assert result.agreed == 35 and result.total == 50
    assert result.kappa == pytest.approx(0.4)
    assert len(result.disagreements) == 15


def test_linear_weights_count_a_near_miss_less_than_a_far_one():
    labels = ["a", "b", "c"]
    near = agreement([("a", "a"), ("b", "b"), ("c", "c"), ("a", "b")], labels, ordered=True)
    far = agreement([("a", "a"), ("b", "b"), ("c", "c"), ("a", "c")], labels, ordered=True)
    assert near.kappa > far.kappa
    # Worked by hand: weights |i-j|/2; observed 0.5/4; rows (2,1,1), cols (1,2,1) -> expected 7/16
    assert near.kappa == pytest.approx(1 - (0.5 / 4) / (7 / 16))


def test_perfect_and_undefined_agreement():
    assert agreement([("a", "a"), ("b", "b")]).kappa == pytest.approx(1.0)
    assert agreement([("a", "a"), ("a", "a")]).kappa is None
    assert agreement([]).proportion is None


def test_labels_met_but_not_listed_are_added():
    result = agreement([("x", "undetermined")], ["x"])
    assert result.labels == ("x", "undetermined")
    assert result.table()[0] == ["expected \\ inferred", "x", "undetermined"]
