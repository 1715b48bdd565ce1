"""Keyness: G2 against scipy, Log Ratio and log-odds z by hand, BH by hand, robustness, CLI."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from corpus_utils import cli
from corpus_utils.keyness import (KEY_G2, KEYNESS_COLUMNS, LEAVE_ONE_OUT_COLUMNS, ROBUST_G2,
                                  benjamini_hochberg, contingency_table, key_terms, keyness,
                                  keyness_by_group, leave_one_out)


def scipy_g2(a, b, c, d):
    res = chi2_contingency(np.array([[a, b], [c - a, d - b]]), correction=False,
                           lambda_="log-likelihood")
    return res.statistic, res.pvalue


def one_row(a, b, c, d, **kw):
    return keyness({"w": a, "x": 0}, {"w": b, "x": 0}, total_target=c, total_reference=d,
                   **kw).set_index("term").loc["w"]


# --------------------------------------------------------------------------- G2


@pytest.mark.parametrize("a, b, c, d", [
    (10, 5, 1000, 2000),
    (0, 4, 1000, 1000),
    (7, 0, 546, 728),
    (1, 100, 1000, 100_000),
    (5000, 100, 1_000_000, 2_000_000),
    (11, 7, 1013, 731),
])
def test_g2_matches_scipy_uncorrected_log_likelihood(a, b, c, d):
    row = one_row(a, b, c, d)
    stat, p = scipy_g2(a, b, c, d)
    assert abs(row["g2"]) == pytest.approx(stat, rel=1e-9)
    assert row["p"] == pytest.approx(p, rel=1e-9)
    # signed: positive when relatively more frequent in the target
    assert np.sign(row["g2"]) == np.sign(a / c - b / d)


def test_g2_is_not_yates_corrected():
    a, b, c, d = 10, 5, 1000, 2000
    yates = chi2_contingency(np.array([[a, b], [c - a, d - b]]), correction=True,
                             lambda_="log-likelihood").statistic
    assert one_row(a, b, c, d)["g2"] != pytest.approx(yates, rel=1e-6)


def test_equal_relative_frequencies_give_zero():
    row = one_row(3, 6, 500, 1000)
    assert row["g2"] == pytest.approx(0.0, abs=1e-12)
    assert row["p"] == pytest.approx(1.0)
    assert row["log_ratio"] == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), min_size=1, max_size=30),
       st.integers(0, 3000), st.integers(0, 3000))
def test_g2_matches_scipy_property(pairs, extra_c, extra_d):
    pairs = [(a, b) if a + b else (1, 0) for a, b in pairs]
    target = {f"w{i}": a for i, (a, _) in enumerate(pairs)}
    reference = {f"w{i}": b for i, (_, b) in enumerate(pairs)}
    c, d = sum(target.values()) + extra_c + 1, sum(reference.values()) + extra_d + 1
    table = keyness(target, reference, total_target=c, total_reference=d)
    for row in table.itertuples():
        stat, p = scipy_g2(row.n_target, row.n_reference, c, d)
        assert abs(row.g2) == pytest.approx(stat, rel=1e-9, abs=1e-9)
        assert row.p == pytest.approx(p, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.sampled_from(["قصف", "حلب", "ادلب", "لاجئين", "جنيف", "كيري"]),
                       st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2))
def test_swapping_groups_negates_the_signed_measures(counts):
    t = {k: v[0] for k, v in counts.items()}
    r = {k: v[1] for k, v in counts.items()}
    if sum(t.values()) == 0 or sum(r.values()) == 0:
        return
    fwd = keyness(t, r).set_index("term").sort_index()
    back = keyness(r, t).set_index("term").sort_index()
    for col in ("g2", "log_ratio", "log_odds_z"):
        np.testing.assert_allclose(fwd[col], -back[col], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fwd["p"], back["p"], rtol=1e-12)


# --------------------------------------------------------------------------- Log Ratio


@pytest.mark.parametrize("a, b, c, d, expected", [
    (10, 5, 1000, 2000, 2.0),       # 10/1000 vs 5/2000: four times as frequent
    (8, 8, 1000, 4000, 2.0),
    (5, 20, 1000, 1000, -2.0),
    (0, 4, 1000, 1000, -3.0),       # zero -> 0.5: log2(0.5 / 4)
    (4, 0, 1000, 1000, 3.0),
    (0, 1, 2000, 1000, -2.0),       # log2((0.5/2000) / (1/1000))
])
def test_log_ratio_hand_computed(a, b, c, d, expected):
    assert one_row(a, b, c, d)["log_ratio"] == pytest.approx(expected, abs=1e-12)


def test_relative_frequencies_are_per_thousand():
    row = one_row(10, 5, 1000, 2000)
    assert (row["freq_target"], row["freq_reference"]) == (pytest.approx(10.0), pytest.approx(2.5))


# --------------------------------------------------------------------------- log-odds z


def _z(y_i, n_i, y_j, n_j, alpha, alpha0):
    delta = (math.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha))
             - math.log((y_j + alpha) / (n_j + alpha0 - y_j - alpha)))
    return delta / math.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))


def test_log_odds_z_hand_computed_default_prior():
    # prior = whole-corpus counts (3+1, 1+3) = (4, 4); alpha0 = 8; n_i = n_j = 4
    t = keyness({"ا": 3, "ب": 1}, {"ا": 1, "ب": 3}).set_index("term")
    expected = (math.log(7 / 5) - math.log(5 / 7)) / math.sqrt(1 / 7 + 1 / 5)
    assert t.loc["ا", "log_odds_z"] == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(1.149272, rel=1e-6)
    assert t.loc["ب", "log_odds_z"] == pytest.approx(-expected, rel=1e-12)


def test_log_odds_z_hand_computed_prior_scale():
    # prior_scale 2: alpha = 8, alpha0 = 16
    t = keyness({"ا": 3, "ب": 1}, {"ا": 1, "ب": 3}, prior_scale=2).set_index("term")
    expected = (math.log(11 / 9) - math.log(9 / 11)) / math.sqrt(1 / 11 + 1 / 9)
    assert t.loc["ا", "log_odds_z"] == pytest.approx(expected, rel=1e-12)


def test_log_odds_z_hand_computed_whole_corpus_prior():
    # a third group makes the whole corpus bigger than target + reference
    t = keyness({"ا": 3, "ب": 1}, {"ا": 1, "ب": 3},
                prior_counts={"ا": 10, "ب": 10, "ج": 20}).set_index("term")
    assert t.loc["ا", "log_odds_z"] == pytest.approx(_z(3, 4, 1, 4, 10, 40), rel=1e-12)
    expected = (math.log(13 / 31) - math.log(11 / 33)) / math.sqrt(1 / 13 + 1 / 11)
    assert t.loc["ا", "log_odds_z"] == pytest.approx(expected, rel=1e-12)


def test_prior_shrinks_rare_terms():
    weak = keyness({"ا": 2, "ب": 100}, {"ا": 0, "ب": 100}, prior_scale=1).set_index("term")
    strong = keyness({"ا": 2, "ب": 100}, {"ا": 0, "ب": 100}, prior_scale=10).set_index("term")
    assert 0 < strong.loc["ا", "log_odds_z"] < weak.loc["ا", "log_odds_z"]


# --------------------------------------------------------------------------- BH


def test_benjamini_hochberg_hand_computed():
    # sorted: .01 (x4/1 = .04), .03 (x4/2 = .06), .04 (x4/3 = .0533), .20 (x4/4 = .20);
    # step-up minimum from the largest rank down: .04, .0533, .0533, .20
    got = benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    np.testing.assert_allclose(got, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.20], rtol=1e-12)


def test_benjamini_hochberg_caps_at_one_and_handles_empty():
    np.testing.assert_allclose(benjamini_hochberg([0.9, 0.8]), [0.9, 0.9])
    assert benjamini_hochberg([]).size == 0


@given(st.lists(st.floats(0, 1), min_size=1, max_size=50))
def test_benjamini_hochberg_laws(p):
    adj = benjamini_hochberg(p)
    arr = np.asarray(p)
    assert (adj >= arr - 1e-15).all() and (adj <= 1).all()
    order = np.argsort(arr, kind="mergesort")
    assert (np.diff(adj[order]) >= -1e-15).all()  # monotone in p


@pytest.mark.parametrize("bad", [[0.5, 1.5], [-0.1], [float("nan")]])
def test_benjamini_hochberg_rejects_non_p_values(bad):
    with pytest.raises(ValueError, match="p-values must lie in"):
        benjamini_hochberg(bad)


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("kwargs, message", [
    ({"target_counts": {"ا": -1}}, "non-negative whole numbers"),
    ({"target_counts": {"ا": 1.5}}, "non-negative whole numbers"),
    ({"target_counts": ["ا"]}, "pass a mapping"),
    ({"total_target": 1}, r"total_target = 1 is invalid"),
    ({"prior_scale": 0}, r"prior_scale = 0 is invalid"),
    ({"prior_counts": {"ا": 1}}, r"prior_counts\['ا'\] = 1 is invalid"),
])
def test_keyness_rejects_bad_arguments(kwargs, message):
    args = {"target_counts": {"ا": 3}, "reference_counts": {"ا": 1}, **kwargs}
    with pytest.raises(ValueError, match=message):
        keyness(args.pop("target_counts"), args.pop("reference_counts"), **args)


def test_empty_vocabulary_gives_an_empty_table():
    t = keyness({}, {})
    assert t.empty and "g2" in t.columns


# --------------------------------------------------------------------------- corpus level

# Target era "a": two documents, both bombing-heavy; "مبادرة" only in one of them.
# Reference era "b": two documents about refugees.
TOY = pd.DataFrame({
    "doc_id": ["1", "2", "3", "4"],
    "file": ["1.txt", "2.txt", "3.txt", "4.txt"],
    "era": ["a", "a", "b", "b"],
    "text": [
        "قصف قصف قصف قصف قصف قصف حلب مدينة سورية مبادرة مبادرة مبادرة مبادرة مبادرة "
        "مبادرة مبادرة مبادرة مبادرة مبادرة",
        "قصف قصف قصف قصف قصف قصف حلب مدينة سورية",
        "لاجئين لاجئين لاجئين لاجئين لاجئين مخيم مخيم مدينة سورية سورية",
        "لاجئين لاجئين لاجئين لاجئين لاجئين مخيم مخيم مدينة سورية سورية",
    ],
})


def _gloss(term):
    return {"قصف": "bombardment"}.get(term, "")


@pytest.fixture(scope="module")
def toy_table():
    return keyness_by_group(TOY, target="a", min_count=1, gloss=_gloss).set_index("term")


def test_corpus_keyness_columns_counts_and_totals(toy_table):
    assert list(toy_table.reset_index().columns) == KEYNESS_COLUMNS
    assert toy_table.loc["قصف", ["n_target", "n_reference", "n_docs_target",
                                 "n_docs_reference"]].tolist() == [12, 0, 2, 0]
    assert toy_table.loc["مبادرة", "n_docs_target"] == 1
    # totals: every term token of each group (28 + 20 terms)
    assert set(toy_table["total_target"]) == {28} and set(toy_table["total_reference"]) == {20}
    assert toy_table.loc["قصف", "gloss"] == "bombardment"
    assert toy_table.loc["مدينة", "gloss"] == ""


def test_corpus_keyness_g2_matches_scipy_on_every_row(toy_table):
    for term, row in toy_table.iterrows():
        stat, _ = scipy_g2(row.n_target, row.n_reference, row.total_target, row.total_reference)
        assert abs(row.g2) == pytest.approx(stat, rel=1e-9, abs=1e-12), term


def test_robust_needs_every_document(toy_table):
    # key in both target documents: survives leaving either out
    assert toy_table.loc["قصف", "g2"] >= KEY_G2 and toy_table.loc["قصف", "robust"]
    assert toy_table.loc["لاجئين", "g2"] <= -KEY_G2 and toy_table.loc["لاجئين", "robust"]
    # key, but all in one article: not robust
    assert toy_table.loc["مبادرة", "g2"] >= KEY_G2
    assert not toy_table.loc["مبادرة", "robust"]
    # not key at all: never robust
    assert not toy_table.loc["سورية", "robust"]


def test_robust_agrees_with_dropping_each_document_by_hand(toy_table):
    without = [keyness_by_group(TOY[TOY["doc_id"] != doc], target="a", min_count=0,
                                gloss=_gloss).set_index("term")["g2"] for doc in TOY["doc_id"]]
    for term, row in toy_table.iterrows():
        keeps = [np.sign(g2.get(term, 0.0)) == np.sign(row.g2) and abs(g2.get(term, 0.0)) >= ROBUST_G2
                 for g2 in without]
        assert row.robust == (abs(row.g2) >= KEY_G2 and all(keeps)), term


def test_one_document_target_is_never_robust():
    t = keyness_by_group(TOY[TOY["doc_id"] != "2"], target="a", min_count=1, gloss=_gloss)
    assert t["g2"].max() >= KEY_G2 and not t["robust"].any()


def test_min_count_and_min_docs_filter_rows_and_p_adj_is_over_shown_rows():
    shown = keyness_by_group(TOY, target="a", min_count=1, min_docs=2, gloss=_gloss)
    assert "حلب" in set(shown["term"]) and "مبادرة" not in set(shown["term"])  # one document
    assert shown["n_docs_target"].add(shown["n_docs_reference"]).min() >= 2
    fewer = keyness_by_group(TOY, target="a", min_count=7, gloss=_gloss)
    assert set(fewer["term"]) == {"قصف", "مبادرة", "لاجئين"}
    np.testing.assert_allclose(fewer["p_adj"], benjamini_hochberg(fewer["p"]))


@pytest.mark.parametrize("measure, column", [("g2", "g2"), ("logratio", "log_ratio"),
                                              ("logodds", "log_odds_z")])
def test_measure_only_changes_the_order(measure, column):
    t = keyness_by_group(TOY, target="a", min_count=1, measure=measure, gloss=_gloss)
    assert t[column].is_monotonic_decreasing
    base = keyness_by_group(TOY, target="a", min_count=1, gloss=_gloss)
    pd.testing.assert_frame_equal(t.sort_values("term").reset_index(drop=True),
                                  base.sort_values("term").reset_index(drop=True))


@pytest.mark.parametrize("kwargs, message", [
    ({"target": "z"}, r"target = 'z' is not a value of 'era'"),
    ({"target": "a", "group_by": "outlet"}, r"group_by = 'outlet' is not a column"),
    ({"target": "a", "reference": "a"}, "is the target"),
    ({"target": "a", "measure": "chi2"}, r"measure = 'chi2' is invalid"),
    ({"target": "a", "min_docs": -1}, r"min_docs = -1 is invalid"),
])
def test_keyness_by_group_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keyness_by_group(TOY, gloss=_gloss, **kwargs)


def test_key_terms_puts_robust_first_then_g2():
    t = pd.DataFrame({"term": ["ا", "ب", "ج", "د", "ه"], "g2": [9.0, 12.0, -8.0, 7.0, 3.0],
                      "robust": [True, False, True, True, False]})
    assert key_terms(t)["term"].tolist() == ["ا", "د", "ب"]
    assert key_terms(t, side="reference")["term"].tolist() == ["ج"]
    assert key_terms(t, n=1)["term"].tolist() == ["ا"]
    assert key_terms(t, threshold=0)["term"].tolist() == ["ا", "د", "ب", "ه"]


# --------------------------------------------------------------------------- 2x2 table


@pytest.mark.parametrize("a, b, c, d", [(10, 5, 1000, 2000), (0, 4, 1000, 1000), (11, 0, 676, 524)])
def test_contingency_table_observed_expected_and_g2(a, b, c, d):
    t = contingency_table({"n_target": a, "n_reference": b, "total_target": c,
                           "total_reference": d}, target="khoja", reference="mustafa")
    assert list(t.columns) == ["khoja", "mustafa", "khoja (expected)", "mustafa (expected)"]
    assert t.index.tolist() == ["this term", "all other terms"]
    observed = t[["khoja", "mustafa"]].to_numpy()
    assert observed.tolist() == [[a, b], [c - a, d - b]]
    expected = chi2_contingency(observed, correction=False).expected_freq
    np.testing.assert_allclose(t[["khoja (expected)", "mustafa (expected)"]].to_numpy(), expected,
                               rtol=1e-12)
    # G2 from the table's own cells is the keyness row's |G2|
    from scipy.special import xlogy
    g2 = 2 * xlogy(observed, observed / expected).sum()
    assert g2 == pytest.approx(abs(one_row(a, b, c, d)["g2"]), rel=1e-9, abs=1e-12)


def test_contingency_table_hand_computed():
    t = contingency_table({"n_target": 10, "n_reference": 0, "total_target": 100,
                           "total_reference": 300})
    assert t.loc["this term"].tolist() == [10.0, 0.0, 2.5, 7.5]
    assert t.loc["all other terms"].tolist() == [90.0, 300.0, 97.5, 292.5]


@pytest.mark.parametrize("row, kw, message", [
    ({"n_target": 1}, {}, "needs numeric n_target"),
    ({"n_target": 5, "n_reference": 0, "total_target": 3, "total_reference": 9}, {}, "within their totals"),
    ({"n_target": 1, "n_reference": 0, "total_target": 3, "total_reference": 9},
     {"target": "a", "reference": "a"}, "two different names"),
])
def test_contingency_table_rejects_bad_rows(row, kw, message):
    with pytest.raises(ValueError, match=message):
        contingency_table(row, **kw)


# --------------------------------------------------------------------------- leave one out


def test_leave_one_out_columns_and_default_terms(toy_table):
    loo = leave_one_out(TOY, target="a")
    assert list(loo.columns) == LEAVE_ONE_OUT_COLUMNS
    key = toy_table[toy_table["g2"].abs() >= KEY_G2].sort_values("g2", ascending=False)
    assert list(dict.fromkeys(loo["term"])) == key.index.tolist()
    assert len(loo) == 4 * len(key)                    # every document of both groups
    assert loo["doc_id"].tolist()[:4] == ["1", "2", "3", "4"]
    assert loo["group"].tolist()[:4] == ["a", "a", "b", "b"]


def test_leave_one_out_agrees_with_robust_and_with_refitting(toy_table):
    loo = leave_one_out(TOY, target="a", terms=toy_table.index.tolist())
    keeps_all = loo.groupby("term", sort=False)["keeps"].all()
    for term, row in toy_table.iterrows():
        assert row.robust == (abs(row.g2) >= KEY_G2 and keeps_all[term]), term
    np.testing.assert_allclose(loo.groupby("term", sort=False)["g2"].first().reindex(toy_table.index),
                               toy_table["g2"], rtol=1e-12)
    # each g2_without equals keyness_by_group on the corpus without that document
    for doc in TOY["doc_id"]:
        refit = keyness_by_group(TOY[TOY["doc_id"] != doc], target="a", min_count=0,
                                 gloss=_gloss).set_index("term")["g2"]
        part = loo[loo["doc_id"] == doc].set_index("term")["g2_without"]
        for term, value in part.items():
            assert value == pytest.approx(refit.get(term, 0.0), rel=1e-9, abs=1e-12), (doc, term)


def test_leave_one_out_counts_and_the_one_article_term():
    loo = leave_one_out(TOY, target="a", terms=["مبادرة", "قصف"]).set_index(["term", "doc_id"])
    assert loo.loc[("مبادرة", "1"), "count"] == 10 and loo.loc[("مبادرة", "2"), "count"] == 0
    assert loo.loc[("قصف", "1"), "count"] == 6
    # without document 1 the initiative is gone: G2 0, not kept
    assert loo.loc[("مبادرة", "1"), "g2_without"] == 0 and not loo.loc[("مبادرة", "1"), "keeps"]
    assert loo.loc["قصف", "keeps"].all()


def test_leave_one_out_accepts_other_spellings_and_rejects_unknown_terms():
    a = leave_one_out(TOY, target="a", terms=["المبادرة"])
    b = leave_one_out(TOY, target="a", terms=["مبادرة"])
    assert a["g2_without"].tolist() == b["g2_without"].tolist()
    assert a["term"].iloc[0] == "المبادرة"
    with pytest.raises(ValueError, match="term 'بغداد' is not counted"):
        leave_one_out(TOY, target="a", terms=["بغداد"])
    with pytest.raises(ValueError, match="not one string"):
        leave_one_out(TOY, target="a", terms="قصف")
    with pytest.raises(ValueError, match=r"target = 'z' is not a value"):
        leave_one_out(TOY, target="z")


def test_leave_one_out_with_a_reference_group_skips_other_documents():
    three = pd.concat([TOY, TOY.iloc[[2]].assign(doc_id="5", era="c")], ignore_index=True)
    loo = leave_one_out(three, target="a", reference="b", terms=["قصف"])
    assert loo["doc_id"].tolist() == ["1", "2", "3", "4"]


# --------------------------------------------------------------------------- CLI


def _run_cli(monkeypatch, capsys, argv, corpus):
    monkeypatch.setattr(cli, "load_corpus_from_args", lambda args: corpus)
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_keyness_full_precision_round_trip(monkeypatch, capsys):
    code, out, _ = _run_cli(monkeypatch, capsys, ["keyness", "--target", "a", "--min-count", "1"], TOY)
    assert code == 0
    back = pd.read_csv(io.StringIO(out), dtype={"term": str, "gloss": str}, keep_default_na=False)
    assert list(back.columns) == KEYNESS_COLUMNS
    direct = keyness_by_group(TOY, target="a", min_count=1)
    for col in ("freq_target", "g2", "p", "p_adj", "log_ratio", "log_odds_z"):
        assert back[col].tolist() == direct[col].tolist(), col  # exactly, not approximately
    for row in back.itertuples():
        stat, _ = scipy_g2(row.n_target, row.n_reference, row.total_target, row.total_reference)
        assert abs(row.g2) == pytest.approx(stat, rel=1e-9, abs=1e-12)


def test_cli_keyness_sorts_by_measure_and_reports_bad_target(monkeypatch, capsys):
    code, out, _ = _run_cli(monkeypatch, capsys, ["keyness", "--target", "a", "--min-count", "1",
                                                  "--measure", "logodds"], TOY)
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["log_odds_z"].is_monotonic_decreasing
    code, _, err = _run_cli(monkeypatch, capsys, ["keyness", "--target", "nope"], TOY)
    assert code == 2 and "target = 'nope'" in err


def test_cli_keyness_requires_target():
    with pytest.raises(SystemExit) as exc:
        cli.main(["keyness"])
    assert exc.value.code == 2


# --------------------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds():
    from corpus_utils.corpus import load_corpus

    return load_corpus()


def test_seed_keyness_g2_matches_scipy_for_every_cli_row(seeds, monkeypatch, capsys):
    code, out, _ = _run_cli(monkeypatch, capsys, ["keyness", "--target", "mustafa"], seeds)
    assert code == 0
    back = pd.read_csv(io.StringIO(out), dtype={"term": str})
    assert len(back) > 20
    for row in back.itertuples():
        stat, p = scipy_g2(row.n_target, row.n_reference, row.total_target, row.total_reference)
        assert abs(row.g2) == pytest.approx(stat, rel=1e-9, abs=1e-12), row.term
        assert row.p == pytest.approx(p, rel=1e-9, abs=1e-15)


def test_seed_keyness_eras_mirror_each_other(seeds):
    khoja = keyness_by_group(seeds, target="khoja").set_index("term").sort_index()
    mustafa = keyness_by_group(seeds, target="mustafa").set_index("term").sort_index()
    assert (khoja.index == mustafa.index).all()
    np.testing.assert_allclose(khoja["g2"], -mustafa["g2"], rtol=1e-12, atol=1e-12)
    assert (khoja["n_target"] == mustafa["n_reference"]).all()
    assert (khoja["robust"] == mustafa["robust"]).all()


def test_seed_leave_one_out_reproduces_robust_and_finds_one_article_terms(seeds):
    table = keyness_by_group(seeds, target="khoja")
    top = key_terms(table, n=10, threshold=0)
    loo = leave_one_out(seeds, target="khoja", terms=top["term"])
    keeps = loo.groupby("term", sort=False)["keeps"].all()
    assert keeps.tolist() == top["robust"].tolist()
    # the initiatives of the Aleppo freeze rest on 002 alone: without it, nothing is left
    row = loo.set_index(["term", "doc_id"]).loc[("مبادرات", "002")]
    assert row["count"] == row_total(table, "مبادرات") and row["g2_without"] == 0


def row_total(table, term):
    r = table.set_index("term").loc[term]
    return r["n_target"] + r["n_reference"]
