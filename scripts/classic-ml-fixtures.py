#!/usr/bin/python3
"""Reference values for test/classic-ml from Debian's python3-sklearn, python3-scipy and
python3-statsmodels. Run from the repository root after `npm install` (it reads the stdlib data
sets in node_modules):

    flock /tmp/gw-apt.lock apt-get install -y python3-sklearn python3-scipy python3-statsmodels
    /usr/bin/python3 scripts/classic-ml-fixtures.py

It writes test/classic-ml/fixtures/reference-values.json, which is committed so the tests need
no Python. Every random input is drawn from a seeded generator and stored in the file.
"""
import json
import math
import os

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import (average_precision_score, brier_score_loss, log_loss, ndcg_score,
                             roc_auc_score)
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportions_ztest

OUT = os.path.join("test", "classic-ml", "fixtures", "reference-values.json")
rng = np.random.RandomState(20240601)


def r(values, digits=4):
    return [round(float(v), digits) for v in values]


def stdlib_data(name):
    with open(os.path.join("node_modules", "@stdlib", name, "data", "data.json")) as f:
        return json.load(f)


out = {"versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__}}

# Classification metrics with heavy ties (scores rounded to one decimal).
cases = []
for n in (30, 200):
    y = rng.binomial(1, 0.35, n)
    score = np.clip(np.round(0.3 * y + rng.uniform(0, 0.7, n), 1), 0.01, 0.99)
    cases.append({"yTrue": [int(v) for v in y], "yScore": r(score, 2),
                  "rocAuc": roc_auc_score(y, score), "averagePrecision": average_precision_score(y, score),
                  "logLoss": log_loss(y, score), "brier": brier_score_loss(y, score)})
out["classification"] = cases

# NDCG with tied scores.
rel = rng.randint(0, 4, 12)
sc = np.round(rng.uniform(0, 1, 12), 1)
out["ndcg"] = [{"relevance": [int(v) for v in rel], "yScore": r(sc, 1), "k": k, "value": ndcg_score([rel], [sc], k=k)} for k in (3, 5, 12)]

# Two-sample KS: exact for small samples, asymptotic for a large one.
ks = []
for (m, n, shift, mode) in ((25, 40, 0.5, "exact"), (300, 200, 0.15, "exact"), (120, 120, 0.0, "exact"), (3000, 2500, 0.06, "asymp")):
    a = np.round(rng.normal(0, 1, m), 2)
    b = np.round(rng.normal(shift, 1, n), 2)
    res = stats.ks_2samp(a, b, method=mode)
    ks.append({"reference": r(a, 2), "current": r(b, 2), "mode": mode, "statistic": float(res.statistic), "pValue": float(res.pvalue)})
out["ks"] = ks

# Chi-square homogeneity (no Yates correction) and Jensen-Shannon on reference-decile bins.
cats = ["a", "b", "c", "d"]
ref_c = list(rng.choice(cats, 400, p=[0.4, 0.3, 0.2, 0.1]))
cur_c = list(rng.choice(cats, 300, p=[0.3, 0.3, 0.25, 0.15]))
table = np.array([[ref_c.count(c) for c in cats], [cur_c.count(c) for c in cats]])
chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
out["chi2"] = {"reference": ref_c, "current": cur_c, "statistic": chi2, "pValue": p, "degreesOfFreedom": int(dof)}

ref = np.round(rng.lognormal(0, 0.6, 2000), 3)
cur = np.round(rng.lognormal(0.25, 0.7, 1500), 3)
edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10))  # numpy "linear" quantiles
ref_share = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
cur_share = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
rf, cf = np.maximum(ref_share, 1e-4), np.maximum(cur_share, 1e-4)
out["binnedDrift"] = {"reference": r(ref, 3), "current": r(cur, 3), "edges": edges.tolist(),
                      "psi": float(np.sum((cf - rf) * np.log(cf / rf))),
                      "js": float(jensenshannon(ref_share, cur_share, base=2) ** 2)}

# Special functions.
out["normalQuantile"] = [{"p": p, "value": stats.norm.ppf(p)} for p in (1e-10, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999999)]
out["chiSquareSurvival"] = [{"x": x, "k": k, "value": stats.chi2.sf(x, k)} for (x, k) in ((0.5, 1), (3.84, 1), (10, 3), (30, 10), (200, 150), (1e-3, 5))]
out["kolmogorovSurvival"] = [{"lambda": x, "value": stats.kstwobign.sf(x)} for x in (0.3, 0.8, 1.0, 1.18, 1.5, 2.5)]

# Logistic regression (sklearn's objective, solved to a tight tolerance) and linear regression on Boston.
X, y = make_classification(n_samples=300, n_features=5, n_informative=3, n_redundant=1, random_state=7)
X = np.round(X, 4)
lr = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(X, y)
out["logistic"] = {"X": [r(row) for row in X], "y": [int(v) for v in y], "C": 0.5,
                   "coefficients": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]),
                   "proba": lr.predict_proba(X[:10])[:, 1].tolist()}

boston = stdlib_data("datasets-harrison-boston-house-prices")
features = ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat"]
BX = np.array([[row[f] for f in features] for row in boston], dtype=float)
By = np.array([row["medv"] for row in boston], dtype=float)
ols = LinearRegression().fit(BX, By)
ridge = Ridge(alpha=10.0).fit(BX, By)
out["boston"] = {"features": features, "ols": {"coefficients": ols.coef_.tolist(), "intercept": float(ols.intercept_)},
                 "ridge10": {"coefficients": ridge.coef_.tolist(), "intercept": float(ridge.intercept_)}}

# Tree ensemble: sklearn's holdout accuracy on a fixed synthetic problem, for a comparison floor.
GX, Gy = make_classification(n_samples=1500, n_features=8, n_informative=5, n_redundant=1, flip_y=0.03, random_state=11)
GX = np.round(GX, 4)
hgb = HistGradientBoostingClassifier(random_state=0).fit(GX[:1000], Gy[:1000])
out["boosting"] = {"X": [r(row) for row in GX], "y": [int(v) for v in Gy], "trainRows": 1000,
                   "sklearnHoldoutAccuracy": float((hgb.predict(GX[1000:]) == Gy[1000:]).mean())}

# Isolation forest AUC: synthetic blobs with uniform outliers, and the single-hop sensor network.
inliers = rng.normal(0, 1, (950, 2))
outliers = rng.uniform(-6, 6, (50, 2))
IX = np.round(np.vstack([inliers, outliers]), 4)
Iy = np.array([0] * 950 + [1] * 50)
iso = IsolationForest(random_state=0).fit(IX)
sensor = stdlib_data("datasets-suthaharan-single-hop-sensor-network")
SX = np.array([[row["humidity"], row["temperature"]] for row in sensor])
Sy = np.array([row["label"] for row in sensor])
iso_s = IsolationForest(random_state=0).fit(SX)
out["isolation"] = {"X": [r(row) for row in IX], "y": [int(v) for v in Iy],
                    "sklearnAuc": roc_auc_score(Iy, -iso.score_samples(IX)),
                    "sensorSklearnAuc": roc_auc_score(Sy, -iso_s.score_samples(SX))}

# Power analysis (statsmodels) and the unpooled normal-approximation formula for two proportions.
power = NormalIndPower()
sizes = []
for (p1, mde, alpha, pw) in ((0.10, 0.02, 0.05, 0.8), (0.30, 0.05, 0.05, 0.9), (0.05, 0.01, 0.01, 0.8), (0.5, 0.1, 0.1, 0.8)):
    p2 = p1 + mde
    variance = p1 * (1 - p1) + p2 * (1 - p2)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(pw)
    effect = mde / math.sqrt(variance / 2)
    sizes.append({"baselineRate": p1, "minDetectableEffect": mde, "alpha": alpha, "power": pw,
                  "formulaPerGroup": math.ceil(z * z * variance / (mde * mde)),
                  "statsmodelsPerGroup": power.solve_power(effect_size=effect, alpha=alpha, power=pw, ratio=1.0)})
out["proportionSampleSize"] = sizes
out["meanSampleSize"] = [{"standardDeviation": sd, "minDetectableEffect": d, "alpha": 0.05, "power": 0.8,
                          "statsmodelsPerGroup": power.solve_power(effect_size=d / sd, alpha=0.05, power=0.8, ratio=1.0)}
                         for (sd, d) in ((10.0, 2.0), (1.0, 0.1))]
ztests = []
for (c1, n1, c2, n2) in ((200, 2000, 250, 2000), (48, 1000, 51, 1000), (1200, 10000, 1100, 10000)):
    z, p = proportions_ztest([c2, c1], [n2, n1])
    ztests.append({"control": {"conversions": c1, "visitors": n1}, "treatment": {"conversions": c2, "visitors": n2}, "z": float(z), "pValue": float(p)})
out["ztest"] = ztests

# TF-IDF with scikit-learn's defaults (smooth idf, sublinear off, l2 norm, tokens of 2+ word chars).
docs = ["the cat sat on the mat", "the dog sat", "cats and dogs and a bird", "a b c the end"]
vec = TfidfVectorizer().fit(docs[:3])
out["tfidf"] = {"train": docs[:3], "apply": docs[3:], "vocabulary": sorted(vec.vocabulary_, key=vec.vocabulary_.get),
                "idf": vec.idf_.tolist(), "train_matrix": vec.transform(docs[:3]).toarray().tolist(),
                "apply_matrix": vec.transform(docs[3:]).toarray().tolist()}

with open(OUT, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")
