#!/usr/bin/env python3
"""Paired comparison of two `tifa eval ner --errors FILE` runs on the same corpus.

`tifa eval ner --baseline OLD.bin` pairs two models that one build can load. When
the model format itself changed (model 2026.11.7: BIOES tags, file format 2), the
old model needs the old build, so each build writes its own error list and this
script pairs them: per sentence, gold names from the corpus, misses (FN) and false
alarms (FP) from each list; then overall F1 of each and the difference, with a 95 %
interval from 1,000 rounds of sentences drawn again with replacement (the same
draws for both).

    python3 resources/ner/paired_f1.py CORPUS.bio all|odd OLD_ERRORS NEW_ERRORS

`odd` keeps the held-out split of peoples_daily.test.bio (odd blocks of 100 sentences).
"""
import collections
import random
import sys

KINDS = ("PER", "LOC", "ORG")


def sentences(path, split):
    out, cur = [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if cur:
                out.append(cur)
                cur = []
            continue
        char, tag = line.split("\t")
        cur.append((char, tag.strip()))
    if cur:
        out.append(cur)
    if split == "odd":
        out = [s for i, s in enumerate(out) if (i // 100) % 2 == 1]
    return out


def errors(path):
    """Misses and false alarms per sentence text."""
    missed, wrong = collections.Counter(), collections.Counter()
    for line in open(path, encoding="utf-8"):
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 4:
            continue
        kind, label, text = fields[0], fields[1], fields[3]
        if label in KINDS:
            if kind == "FN":
                missed[text] += 1
            elif kind == "FP":
                wrong[text] += 1
    return missed, wrong


def f1(rows, which):
    gold = sum(r[0] for r in rows)
    found = sum(r[1 + 2 * which] for r in rows)
    wrong = sum(r[2 + 2 * which] for r in rows)
    p = found / (found + wrong) if found + wrong else 0.0
    r = found / gold if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    corpus, split, old, new = sys.argv[1:5]
    gold = collections.Counter()
    for s in sentences(corpus, split):
        gold["".join(c for c, _ in s)] += sum(1 for _, t in s if t.startswith("B-"))
    (old_missed, old_wrong), (new_missed, new_wrong) = errors(old), errors(new)
    unmatched = set(old_missed) | set(old_wrong) | set(new_missed) | set(new_wrong)
    unmatched -= set(gold)
    if unmatched:
        sys.exit(f"{len(unmatched)} sentences of the error lists are not in {corpus} ({split})")
    # Per sentence: gold, found and false alarms of the old run, then of the new.
    rows = [(g, g - old_missed[t], old_wrong[t], g - new_missed[t], new_wrong[t]) for t, g in gold.items()]
    before, after = f1(rows, 0), f1(rows, 1)
    rng = random.Random(20261122)
    diffs = sorted(
        f1(draw, 1) - f1(draw, 0) for draw in ([rows[rng.randrange(len(rows))] for _ in rows] for _ in range(1000))
    )
    print(f"old {before:.4f}  new {after:.4f}  difference {after - before:+.4f} "
          f"(95 % interval {diffs[25]:+.4f} to {diffs[974]:+.4f}; {len(rows)} sentences)")


if __name__ == "__main__":
    main()
