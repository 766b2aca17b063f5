/**
 * `node --import <this file>` with KAFKAJS_DIR set: `import 'kafkajs'` loads the copy in
 * KAFKAJS_DIR instead of node_modules/kafkajs, for A/B runs of the floor with another version
 * of the patch (one hop each, `BENCH_FLOOR_HOP_ENV`; see libs/kafka/README.md). E.g. kafkajs
 * with main's patch only:
 *
 *   mkdir -p /tmp/kf-base && cd /tmp/kf-base && npm pack kafkajs@2.2.4 && tar xzf kafkajs-2.2.4.tgz
 *   mv package kafkajs && git -C /path/to/hark show main:patches/kafkajs+2.2.4.patch \
 *     | sed 's#node_modules/kafkajs#kafkajs#g' | git apply
 */
import { register } from 'node:module';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const target = pathToFileURL(`${process.env.KAFKAJS_DIR}/index.js`).href;
register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'kafkajs') return { url: ${JSON.stringify(target)}, format: 'commonjs', shortCircuit: true };
  return next(specifier, context);
}`)}`,
);
