"""Reference side of the corpus benchmark: the usual Python way to stream a Pile .jsonl.zst.

Usage: reference.py FILE.jsonl.zst   (uses the `zstandard` module if installed)
       zstd -dc FILE.jsonl.zst | reference.py -
Prints documents, characters of text and the number of distinct set names.
"""
import io
import json
import sys


def lines(path):
    if path == "-":
        return sys.stdin.buffer
    import zstandard  # only when decompressing in-process
    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb")), buffer_size=1 << 20)


documents = characters = 0
sets = set()
for line in lines(sys.argv[1]):
    document = json.loads(line)
    characters += len(document["text"])
    sets.add(document.get("meta", {}).get("pile_set_name"))
    documents += 1
print(f"reference: documents={documents} characters={characters} sets={len(sets)}")
