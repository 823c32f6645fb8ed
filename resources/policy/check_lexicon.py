#!/usr/bin/env python3
"""Checker for the policy-phrase (提法) lexicon, resources/policy/lexicon.toml.

Validation (always run):
  * schema: top-level keys `lexicon` and `phrase` only; `[lexicon]` has `version`
    only; every `[[phrase]]` has id, canonical, kind, category and optionally
    variants, items, note; nothing else;
  * enums: kind and category from the fixed lists below;
  * ids: unique, ASCII lowercase kebab-case;
  * strings: non-empty, no whitespace inside surfaces and items, no surrounding
    quotation marks, nothing in 《》, note on one line;
  * surfaces (canonical + variants): no surface twice in one entry, no surface
    in two entries (',' and '，' are treated as the same character).

Report mode (`--gold FILE --articles DIR`): a leftmost-longest match of every
surface over the articles, with the same semantics as the Rust matcher:
  * ',' and '，' are equal;
  * '\\n' and ' ' are ignored when the run of them sits between two CJK
    ideographs; spans are mapped back to the original text (so a span may
    contain the line break);
  * a match lying inside a 《…》 title is dropped;
then exact-span precision / recall / F1 against the gold, plus the false
positives and false negatives, plus a coverage check (every gold canonical is
an entry of the gold's kind; every gold surface is a surface of that entry).

Usage:
  python3 check_lexicon.py [--lexicon PATH]
  python3 check_lexicon.py [--lexicon PATH] --gold articles.gold.jsonl --articles DIR

Exit status: 0 when validation passes (report numbers do not change it unless
--min-f1 is given), 1 on validation errors or an F1 under --min-f1.
Python 3.11+, standard library only.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from collections import Counter, defaultdict

KINDS = ("numbered", "formulation", "campaign")
CATEGORIES = (
    "ideology", "party_building", "economy", "science_technology",
    "reform_opening", "regional_strategy", "governance", "rule_of_law",
    "social_livelihood", "culture", "ecology", "security", "diplomacy",
    "defense", "shanghai", "local",
)
REQUIRED = ("id", "canonical", "kind", "category")
OPTIONAL = ("variants", "items", "note")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VERSION_RE = re.compile(r"^\d{4}\.\d+\.\d+$")
QUOTES = "\"'“”‘’「」『』"
OPENING = {"”": "“", "’": "‘", "」": "「", "』": "『"}
WS_FOLD = "\n "

HERE = os.path.dirname(os.path.abspath(__file__))


def fold(s: str) -> str:
    """Comparison form of a surface: ASCII comma folded to the full-width one."""
    return s.replace(",", "，")


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF
            or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3134F)


# ---------------------------------------------------------------- validation

def validate(doc: dict) -> tuple[list[str], list[dict]]:
    errors: list[str] = []
    for key in doc:
        if key not in ("lexicon", "phrase"):
            errors.append(f"unknown top-level key {key!r}")
    lex = doc.get("lexicon")
    if not isinstance(lex, dict):
        errors.append("missing [lexicon] table")
    else:
        for key in lex:
            if key != "version":
                errors.append(f"[lexicon]: unknown key {key!r}")
        v = lex.get("version")
        if not isinstance(v, str) or not VERSION_RE.match(v):
            errors.append(f"[lexicon].version must look like 2026.11.0, got {v!r}")
    phrases = doc.get("phrase")
    if not isinstance(phrases, list) or not phrases:
        errors.append("no [[phrase]] entries")
        return errors, []

    ids: dict[str, int] = {}
    owner: dict[str, str] = {}  # folded surface -> id
    for n, p in enumerate(phrases, 1):
        where = f"phrase #{n}"
        if not isinstance(p, dict):
            errors.append(f"{where}: not a table")
            continue
        pid = p.get("id")
        if isinstance(pid, str):
            where = f"phrase #{n} ({pid})"
        for key in p:
            if key not in REQUIRED and key not in OPTIONAL:
                errors.append(f"{where}: unknown key {key!r}")
        for key in REQUIRED:
            if not isinstance(p.get(key), str) or not p.get(key):
                errors.append(f"{where}: {key} must be a non-empty string")
        if isinstance(pid, str):
            if not ID_RE.match(pid):
                errors.append(f"{where}: id is not ASCII lowercase kebab-case")
            if pid in ids:
                errors.append(f"{where}: duplicate id (also phrase #{ids[pid]})")
            ids.setdefault(pid, n)
        if p.get("kind") not in KINDS:
            errors.append(f"{where}: kind {p.get('kind')!r} not in {KINDS}")
        if p.get("category") not in CATEGORIES:
            errors.append(f"{where}: category {p.get('category')!r} not allowed")
        for key in ("variants", "items"):
            if key in p:
                val = p[key]
                if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
                    errors.append(f"{where}: {key} must be a list of strings")
                    continue
                for x in val:
                    if not x or any(c.isspace() for c in x):
                        errors.append(f"{where}: empty or whitespace in {key}: {x!r}")
        if "items" in p and isinstance(p["items"], list) and len(p["items"]) < 2:
            errors.append(f"{where}: items needs at least two members")
        if "note" in p:
            note = p["note"]
            if not isinstance(note, str) or not note.strip() or "\n" in note:
                errors.append(f"{where}: note must be a non-empty single line")

        surfaces = []
        if isinstance(p.get("canonical"), str):
            surfaces.append(p["canonical"])
        if isinstance(p.get("variants"), list):
            surfaces += [v for v in p["variants"] if isinstance(v, str)]
        seen_here: set[str] = set()
        for s in surfaces:
            if not s:
                errors.append(f"{where}: empty surface")
                continue
            if any(c.isspace() for c in s):
                errors.append(f"{where}: whitespace in surface {s!r}")
            # a quotation mark may stand inside a surface (共建“一带一路”), but a
            # surface never starts with one nor ends on one that it did not open
            if s[0] in QUOTES or (s[-1] in QUOTES and not any(
                    OPENING.get(s[-1], s[-1]) == c for c in s[:-1])):
                errors.append(f"{where}: surface {s!r} is wrapped in quotation marks")
            if "《" in s or "》" in s:
                errors.append(f"{where}: surface {s!r} contains a title mark")
            f = fold(s)
            if f in seen_here:
                errors.append(f"{where}: surface {s!r} listed twice")
            seen_here.add(f)
            if f in owner and owner[f] != pid:
                errors.append(f"{where}: surface {s!r} also in entry {owner[f]}")
            owner.setdefault(f, pid)
    return errors, phrases


# ------------------------------------------------------------------ matching

def normalize(text: str) -> tuple[str, list[int]]:
    """Fold commas, drop '\\n'/' ' runs between CJK ideographs.

    Returns the normalized text and, for each of its characters, the index of
    that character in the original text.
    """
    out: list[str] = []
    idx: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in WS_FOLD:
            j = i
            while j < n and text[j] in WS_FOLD:
                j += 1
            if i > 0 and j < n and is_cjk(text[i - 1]) and is_cjk(text[j]):
                i = j
                continue
            for k in range(i, j):
                out.append(text[k])
                idx.append(k)
            i = j
            continue
        out.append("，" if ch == "," else ch)
        idx.append(i)
        i += 1
    return "".join(out), idx


def title_mask(text: str) -> list[bool]:
    """True for every character strictly inside a balanced 《…》 pair."""
    mask = [False] * len(text)
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "《":
            stack.append(i)
        elif ch == "》" and stack:
            o = stack.pop()
            for k in range(o + 1, i):
                mask[k] = True
    return mask


class Matcher:
    def __init__(self, phrases: list[dict]):
        self.table: dict[str, tuple[str, str]] = {}  # folded surface -> (id, canonical)
        for p in phrases:
            for s in [p["canonical"], *p.get("variants", [])]:
                self.table[fold(s)] = (p["id"], p["canonical"])
        self.by_first: dict[str, list[int]] = defaultdict(list)
        for s in self.table:
            self.by_first[s[0]].append(len(s))
        for k in self.by_first:
            self.by_first[k] = sorted(set(self.by_first[k]), reverse=True)

    def find(self, text: str) -> list[tuple[int, int, str, str, str]]:
        """Leftmost-longest matches: (start, end, surface, id, canonical), original offsets."""
        norm, idx = normalize(text)
        mask = title_mask(text)
        res = []
        i, n = 0, len(norm)
        while i < n:
            hit = None
            for ln in self.by_first.get(norm[i], ()):
                if i + ln <= n and norm[i:i + ln] in self.table:
                    hit = ln
                    break
            if hit is None:
                i += 1
                continue
            s, e = idx[i], idx[i + hit - 1] + 1
            pid, canon = self.table[norm[i:i + hit]]
            if not all(mask[s:e]):
                res.append((s, e, text[s:e], pid, canon))
            i += hit
        return res


# -------------------------------------------------------------------- report

def ctx(text: str, s: int, e: int, w: int = 10) -> str:
    return (text[max(0, s - w):s] + "[" + text[s:e] + "]" + text[e:e + w]).replace("\n", "⏎")


def report(phrases: list[dict], gold_path: str, art_dir: str) -> float:
    gold = [json.loads(line) for line in open(gold_path, encoding="utf-8") if line.strip()]
    docs = sorted({g["doc"] for g in gold} | {f for f in os.listdir(art_dir) if f.endswith(".txt")})
    texts = {d: open(os.path.join(art_dir, d), encoding="utf-8").read() for d in docs}

    # coverage of the gold vocabulary
    by_canon = {p["canonical"]: p for p in phrases}
    problems = set()
    for g in gold:
        p = by_canon.get(g["canonical"])
        if p is None:
            problems.add(f"gold canonical missing: {g['canonical']} ({g['kind']})")
            continue
        if p["kind"] != g["kind"]:
            problems.add(f"kind differs: {g['canonical']} lexicon={p['kind']} gold={g['kind']}")
        surf = {fold(s) for s in [p["canonical"], *p.get("variants", [])]}
        t, _ = normalize(g["text"])
        if t not in surf:
            problems.add(f"gold surface not in entry {p['id']}: {g['text']!r}")
    print(f"gold coverage: {len({g['canonical'] for g in gold})} canonicals, "
          f"{len(problems)} problem(s)")
    for msg in sorted(problems):
        print("  " + msg)

    m = Matcher(phrases)
    pred = {}
    for d in docs:
        for s, e, surf, pid, canon in m.find(texts[d]):
            pred[(d, s, e)] = (surf, pid, canon)
    gset = {(g["doc"], g["start"], g["end"]): g for g in gold}
    tp = len(set(pred) & set(gset))
    fp = sorted(set(pred) - set(gset))
    fn = sorted(set(gset) - set(pred))
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gset) if gset else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"\nexact-span: gold={len(gset)} predicted={len(pred)} tp={tp} "
          f"fp={len(fp)} fn={len(fn)}")
    print(f"precision={p:.4f} recall={r:.4f} f1={f1:.4f}")
    print(f"\nfalse positives ({len(fp)}):")
    for k in fp:
        d, s, e = k
        surf, pid, _ = pred[k]
        print(f"  {d[:3]} {s}-{e} {pid}: {ctx(texts[d], s, e)}")
    print(f"\nfalse negatives ({len(fn)}):")
    for k in fn:
        d, s, e = k
        g = gset[k]
        print(f"  {d[:3]} {s}-{e} {g['canonical']} ({g['kind']}): {ctx(texts[d], s, e)}")
    return f1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lexicon", default=os.path.join(HERE, "lexicon.toml"))
    ap.add_argument("--gold", help="gold occurrences (jsonl)")
    ap.add_argument("--articles", help="directory of the gold's article .txt files")
    ap.add_argument("--min-f1", type=float, default=None,
                    help="fail when the report's F1 is below this")
    ap.add_argument("--stats", action="store_true", help="print counts by kind and category")
    args = ap.parse_args()

    with open(args.lexicon, "rb") as fh:
        try:
            doc = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            print(f"TOML error: {exc}")
            return 1
    errors, phrases = validate(doc)
    for msg in errors:
        print("ERROR: " + msg)
    n_surf = sum(1 + len(p.get("variants", [])) for p in phrases if isinstance(p, dict))
    print(f"{args.lexicon}: version {doc.get('lexicon', {}).get('version')}, "
          f"{len(phrases)} entries, {n_surf} surfaces, {len(errors)} error(s)")
    if errors:
        return 1
    if args.stats:
        kinds = Counter(p["kind"] for p in phrases)
        cats = Counter(p["category"] for p in phrases)
        print("by kind: " + ", ".join(f"{k}={kinds[k]}" for k in KINDS))
        print("by category: " + ", ".join(f"{c}={cats[c]}" for c in CATEGORIES))
    if args.gold or args.articles:
        if not (args.gold and args.articles):
            print("--gold and --articles go together")
            return 1
        f1 = report(phrases, args.gold, args.articles)
        if args.min_f1 is not None and f1 < args.min_f1:
            print(f"F1 {f1:.4f} below --min-f1 {args.min_f1}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
