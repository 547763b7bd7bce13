// Builds the benchmark texts: the Python 3.11 standard library sources (/usr/lib/python3.11/*.py) and
// the licence texts in /usr/share/common-licenses, cut at line ends into documents of at most 4,000
// chars, up to 4 MB in all. Writes them as a JSON array of strings to the path given.
const fs = require('fs');
const path = require('path');

const maxDocumentChars = 4000;
const maxTotalChars = 4_000_000;
const sources = [
  ...fs.readdirSync('/usr/lib/python3.11').filter((f) => f.endsWith('.py')).sort().map((f) => path.join('/usr/lib/python3.11', f)),
  ...fs.readdirSync('/usr/share/common-licenses').sort().map((f) => path.join('/usr/share/common-licenses', f)),
].filter((f) => fs.statSync(f).isFile());

const texts = [];
let total = 0;
for (const file of sources) {
  let document = '';
  for (const line of fs.readFileSync(file, 'utf8').split(/(?<=\n)/)) {
    if (document.length + line.length > maxDocumentChars && document.length > 0) {
      texts.push(document);
      total += document.length;
      document = '';
    }
    document += line;
  }
  if (document.length > 0) { texts.push(document); total += document.length; }
  if (total >= maxTotalChars) break;
}
fs.writeFileSync(process.argv[2], JSON.stringify(texts));
console.log(`${texts.length} texts, ${total} chars from ${sources.length} files`);
