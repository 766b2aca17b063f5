import { foldForMatching, tokenize } from '../src/domain/text.ts';
const base = 'Third time my @acme router dropped the connection today café naïve #fail and the support was slow again with señor';
const texts = Array.from({ length: 100000 }, (_, i) => base + ' ' + i);
const asciiTexts = Array.from({ length: 100000 }, (_, i) => 'Third time my @acme router dropped the connection today cafe naive #fail and the support was slow again with senor ' + i);
function time(label: string, f: () => void) { const t = process.hrtime.bigint(); f(); console.log(label, Number(process.hrtime.bigint() - t) / 1e6, 'ms'); }
for (let r = 0; r < 2; r++) {
time('fold non-ascii', () => { for (const t of texts) foldForMatching(t); });
time('fold ascii', () => { for (const t of asciiTexts) foldForMatching(t); });
const folded = texts.map(foldForMatching);
time('tokenize', () => { for (const t of folded) tokenize(t); });
}
