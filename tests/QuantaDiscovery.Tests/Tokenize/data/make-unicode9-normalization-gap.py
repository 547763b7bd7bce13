# Prints the code point ranges of HuggingFaceNfc.NewerThanUnicode9: characters assigned in Unicode 10.0
# or later that take part in canonical normalization (nonzero combining class, a canonical
# decomposition, or a component of one). Hugging Face tokenizers' NFC uses Unicode 9.0 tables, where
# these are unassigned and so left alone.
# Re-run: /usr/bin/python3 tests/QuantaDiscovery.Tests/Tokenize/data/make-unicode9-normalization-gap.py
# (reads the Unicode Character Database in /usr/share/unicode, Debian package unicode-data).
UCD = '/usr/share/unicode'

age = {}
for line in open(f'{UCD}/DerivedAge.txt'):
    line = line.split('#')[0].strip()
    if line:
        span, version = (field.strip() for field in line.split(';'))
        first, last = (span.split('..') + [span])[:2]
        for cp in range(int(first, 16), int(last, 16) + 1):
            age[cp] = tuple(int(part) for part in version.split('.'))

normalizing = set()
for line in open(f'{UCD}/UnicodeData.txt'):
    fields = line.split(';')
    cp, combining_class, decomposition = int(fields[0], 16), fields[3], fields[5]
    if combining_class != '0':
        normalizing.add(cp)
    if decomposition and not decomposition.startswith('<'):
        normalizing.add(cp)
        normalizing.update(int(part, 16) for part in decomposition.split())

ranges = []
for cp in sorted(cp for cp in normalizing if age.get(cp, (0, 0)) >= (10, 0)):
    if ranges and ranges[-1][1] == cp - 1:
        ranges[-1][1] = cp
    else:
        ranges.append([cp, cp])
print(open(f'{UCD}/DerivedAge.txt').readline().strip())
print(',\n'.join(', '.join(f'(0x{a:X}, 0x{b:X})' for a, b in ranges[i:i + 6]) for i in range(0, len(ranges), 6)))
