#!/usr/bin/env python3
"""Helpers for bench/triage.sh (standard library only).

  ft.py fasttext IN.jsonl OUT.txt   JSONL -> fastText "__label__X text" lines
  ft.py texts IN.jsonl OUT.txt      JSONL -> one text per line
  ft.py score GOLD.jsonl PRED.txt   accuracy, macro-F1 (and oos figures) of predicted
                                    labels (first field of each line, "__label__" stripped)

fastText gets the usual preprocessing of its tutorials: lower case, punctuation split
off as separate tokens. Parley's classifier gets the raw text.
"""
import json
import re
import sys
from collections import Counter


def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                j = json.loads(line)
                yield j["text"].replace("\n", " "), j["label"]


def ft_text(t):
    t = re.sub(r"([.!?,'/()\":;])", r" \1 ", t.lower())
    return " ".join(t.split())


def main():
    cmd, a, b = sys.argv[1:4]
    if cmd == "fasttext":
        with open(b, "w", encoding="utf-8") as o:
            for text, label in rows(a):
                o.write("__label__%s %s\n" % (label.replace(" ", "_"), ft_text(text)))
    elif cmd == "texts":
        with open(b, "w", encoding="utf-8") as o:
            for text, _ in rows(a):
                o.write(text + "\n")
    elif cmd == "score":
        gold = [label for _, label in rows(a)]
        with open(b, encoding="utf-8") as f:
            pred = [(l.split("\t")[0].split(" ")[0].strip()).replace("__label__", "") for l in f]
        assert len(gold) == len(pred), (len(gold), len(pred))
        right = sum(g == p for g, p in zip(gold, pred))
        support, predicted, correct = Counter(gold), Counter(pred), Counter(g for g, p in zip(gold, pred) if g == p)
        f1s = []
        for label in support:
            prec = correct[label] / predicted[label] if predicted[label] else 0.0
            rec = correct[label] / support[label]
            f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        print("accuracy: %.4f" % (right / len(gold)))
        print("macro_f1: %.4f" % (sum(f1s) / len(f1s)))
        if "oos" in support:
            ins = [(g, p) for g, p in zip(gold, pred) if g != "oos"]
            print("oos_recall: %.4f" % (correct["oos"] / support["oos"]))
            print("in_scope_accuracy: %.4f" % (sum(g == p for g, p in ins) / len(ins)))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
