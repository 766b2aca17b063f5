import { loadBrandsConfig } from '@hark/brands';
import { compileBrandMatcher } from '/work/main/services/collector/src/domain/brand-matcher.ts';
const m = compileBrandMatcher(loadBrandsConfig('/work/main/deploy/local/brands.yaml').brands);
for (const t of ['I love ACME fiber!', 'Çà marche pas chez Ácme', '#AcmeFiber down again @AcmeSupport', 'road runner beats acme', 'mail support@acme.com', 'Globex Corporation vs #initech', 'nothing here', 'Umbrella Mobile rocks', 'umbrella']) console.log(t, '=>', JSON.stringify(m.match(t)));
console.log(m.termCount);
