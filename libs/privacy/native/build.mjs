#!/usr/bin/env node
// Builds native/build/aes_gcm.node (see aes_gcm.c) with the machine's C compiler against the
// headers that ship with this node binary. Run by the root postinstall; never fails the
// install: without a compiler or headers, @hark/privacy uses node:crypto (same output, about
// 3 µs more CPU per envelope) and this says why. `--require` makes a failure an error (CI).
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build', 'aes_gcm.node');
const required = process.argv.includes('--require');
const say = (s) => process.stderr.write(`@hark/privacy native AES-GCM: ${s}\n`);

function includeDir() {
  // Official tarballs and Debian's package both put them beside bin/: <prefix>/include/node.
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node')];
  const prefix = process.config?.variables?.node_prefix;
  if (prefix) candidates.push(join(prefix, 'include', 'node'));
  const found = candidates.find(
    (d) => existsSync(join(d, 'node_api.h')) && existsSync(join(d, 'openssl', 'evp.h')),
  );
  if (!found) {
    throw new Error(
      `no node_api.h and openssl/evp.h under ${candidates.join(' or ')}: install the headers of this Node.js (${process.version})`,
    );
  }
  return found;
}

/** The built addon against node:crypto on one envelope, both ways, and a forged tag refused. */
function selfTest(file) {
  const gcm = createRequire(import.meta.url)(file);
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const aad = Buffer.from('hark self-test');
  const plain = randomBytes(301);
  const c = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const expected = Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
  const sealed = Buffer.alloc(expected.length);
  gcm.seal(key, aad, iv, plain, sealed, 0);
  if (!sealed.equals(expected)) throw new Error('sealing differs from node:crypto');
  const opened = Buffer.alloc(plain.length);
  if (!gcm.open(key, aad, expected, 0, opened) || !opened.equals(plain))
    throw new Error('opening failed');
  expected[expected.length - 1] ^= 1;
  if (gcm.open(key, aad, expected, 0, opened)) throw new Error('a forged tag was accepted');
  if (!opened.equals(Buffer.alloc(plain.length))) throw new Error('a forged box left plaintext');
}

try {
  const include = includeDir();
  const cc = process.env.CC || 'cc';
  mkdirSync(dirname(out), { recursive: true });
  // .node: require loads a file by its extension.
  const tmp = join(dirname(out), `aes_gcm.${process.pid}.tmp.node`);
  try {
    execFileSync(
      cc,
      [
        '-O2',
        '-shared',
        '-fPIC',
        '-Wall',
        '-Werror',
        `-I${include}`,
        '-o',
        tmp,
        join(here, 'aes_gcm.c'),
      ],
      { stdio: ['ignore', 'inherit', 'pipe'] },
    );
  } catch (err) {
    const detail =
      err.code === 'ENOENT'
        ? `no C compiler '${cc}' (set CC or install gcc)`
        : String(err.stderr || err.message).trim();
    throw new Error(`compiling failed: ${detail}`);
  }
  try {
    selfTest(tmp);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  say(`built ${out}`);
} catch (err) {
  rmSync(out, { force: true });
  say(`not built (${err.message}); node:crypto is used instead`);
  if (required) process.exit(1);
}
