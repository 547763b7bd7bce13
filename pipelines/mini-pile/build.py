"""Assemble the mini-Pile: Pile-format JSON lines {"text", "meta": {"pile_set_name"}} from four
permissively licensed sources, split deterministically into train/test by a hash of each text.

Run through build.sh, which fetches the sources. Standard library only (Debian's python3)."""
import argparse
import hashlib
import json
import os
import re

TEST_PERCENT = 10          # documents whose hash falls in the first 10% of the hash space are test
MAX_DOC_BYTES = 60_000     # the Pile keeps long documents; scoring truncates to the first 1024 tokens
SOURCE_BUDGET_BYTES = {    # raw text per source, so the committed corpus stays small (~12 MB zstd)
    "PythonDocs": 11_000_000,
    "PythonStdlib": 11_000_000,
    "SpamAssassin": 9_000_000,
    "BrownCorpus": 7_000_000,
}


def python_docs(root):
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith(".rst.txt"):
                yield read_text(os.path.join(dirpath, name))


def python_stdlib(root):
    for dirpath, dirnames, files in sorted(os.walk(root)):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "dist-packages", "__pycache__", "test", "tests"))
        for name in sorted(files):
            if name.endswith(".py"):
                yield read_text(os.path.join(dirpath, name))


def spam_assassin(root):
    for folder in sorted(os.listdir(root)):
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith(".txt"):
                text = read_text(os.path.join(path, name))
                if "\x00" not in text:
                    yield text


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


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace").replace("\r\n", "\n")


def main():
    parser = argparse.ArgumentParser()
    for flag in ("python-docs", "python-stdlib", "spam-assassin", "brown", "output"):
        parser.add_argument("--" + flag, required=True)
    args = parser.parse_args()
    sources = {
        "PythonDocs": python_docs(args.python_docs),
        "PythonStdlib": python_stdlib(args.python_stdlib),
        "SpamAssassin": spam_assassin(args.spam_assassin),
        "BrownCorpus": brown(args.brown),
    }
    splits = {"train": [], "test": []}
    counts = {}
    seen = set()
    for set_name, texts in sources.items():
        used = 0
        n = 0
        for text in texts:
            text = text.strip()[:MAX_DOC_BYTES]
            if len(text) < 200:
                continue
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest in seen:
                continue
            if used + len(text) > SOURCE_BUDGET_BYTES[set_name]:
                break
            seen.add(digest)
            used += len(text)
            n += 1
            split = "test" if int(digest[:8], 16) % 100 < TEST_PERCENT else "train"
            splits[split].append((digest, {"text": text, "meta": {"pile_set_name": set_name}}))
        counts[set_name] = {"documents": n, "characters": used}
    os.makedirs(args.output, exist_ok=True)
    for split, docs in splits.items():
        docs.sort(key=lambda d: d[0])  # a deterministic shuffle: order by content hash
        with open(os.path.join(args.output, split + ".jsonl"), "w", encoding="utf-8") as f:
            for _, doc in docs:
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    manifest = {"test_percent": TEST_PERCENT, "max_document_characters": MAX_DOC_BYTES, "sources": counts,
                "documents": {split: len(docs) for split, docs in splits.items()}}
    with open(os.path.join(args.output, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
