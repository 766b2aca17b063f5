import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcm, loadNativeGcm, nativeGcmMissing, nodeGcm, type Gcm } from '../../src/gcm.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
// The GCM specification's test case 16 (McGrew & Viega): AES-256, 60-byte plaintext, 20-byte AAD.
const K = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
const IV = hex('cafebabefacedbaddecaf888');
const AAD = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
const P = hex(
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
);
const BOX = Buffer.concat([
  IV,
  hex(
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
  ),
  hex('76fc6ece0f4e1768cddf8853bb2d551b'),
]);

describe('the native addon', () => {
  it('was built at install and is what envelopes use', () => {
    // The root postinstall runs native/build.mjs; its message says why when it could not build.
    expect(nativeGcmMissing).toBeUndefined();
    expect(gcm.backend).toBe('native');
  });
});

const native = loadNativeGcm().gcm;
const backends: [string, Gcm][] = [['node:crypto', nodeGcm]];
if (native) backends.push(['native', native]);

describe.each(backends)('AES-256-GCM through %s', (_, g) => {
  it('seals the specification vector to its ciphertext and tag, at an offset', () => {
    const out = Buffer.alloc(5 + BOX.length, 0xee);
    g.seal(K, AAD, IV, P, out, 5);
    expect(out.subarray(5).equals(BOX)).toBe(true);
    expect(out.subarray(0, 5).equals(Buffer.alloc(5, 0xee))).toBe(true);
  });

  it('opens the specification vector, at an offset', () => {
    expect(g.open(K, AAD, BOX, 0)?.equals(P)).toBe(true);
    expect(g.open(K, AAD, Buffer.concat([randomBytes(17), BOX]), 17)?.equals(P)).toBe(true);
  });

  it('refuses any changed byte of IV, ciphertext or tag, another AAD and another key', () => {
    for (const at of [0, 11, 12, 40, BOX.length - 17, BOX.length - 16, BOX.length - 1]) {
      const forged = Buffer.from(BOX);
      forged[at]! ^= 0x01;
      expect(g.open(K, AAD, forged, 0), `byte ${at}`).toBeNull();
    }
    expect(g.open(K, Buffer.concat([AAD, hex('00')]), BOX, 0)).toBeNull();
    expect(g.open(K, Buffer.alloc(0), BOX, 0)).toBeNull();
    expect(g.open(randomBytes(32), AAD, BOX, 0)).toBeNull();
  });

  it('round-trips empty and large plaintexts, with and without AAD', () => {
    const key = randomBytes(32);
    for (const plain of [Buffer.alloc(0), randomBytes(1), randomBytes(70_001)]) {
      for (const aad of [Buffer.alloc(0), randomBytes(33)]) {
        const box = Buffer.alloc(12 + plain.length + 16);
        g.seal(key, aad, randomBytes(12), plain, box, 0);
        expect(g.open(key, aad, box, 0)?.equals(plain)).toBe(true);
      }
    }
  });

  it('throws on a box too short to hold IV and tag, and on a key of the wrong size', () => {
    expect(() => g.open(K, AAD, BOX.subarray(0, 27), 0)).toThrow(/box must hold/);
    expect(() => g.open(K, AAD, BOX, BOX.length - 20)).toThrow(/box must hold/);
    expect(() => g.open(K.subarray(1), AAD, BOX, 0)).toThrow();
    expect(() => g.seal(K.subarray(1), AAD, IV, P, Buffer.alloc(BOX.length), 0)).toThrow();
  });
});

describe('the backends agree', () => {
  it('on random keys, IVs, AADs and lengths, both ways', () => {
    expect(native).toBeDefined();
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(32);
      const iv = randomBytes(12);
      const aad = randomBytes(i % 50);
      const plain = randomBytes((i * 37) % 700);
      const a = Buffer.alloc(28 + plain.length);
      const b = Buffer.alloc(28 + plain.length);
      nodeGcm.seal(key, aad, iv, plain, a, 0);
      native!.seal(key, aad, iv, plain, b, 0);
      expect(a.equals(b)).toBe(true);
      expect(native!.open(key, aad, a, 0)?.equals(plain)).toBe(true);
      expect(nodeGcm.open(key, aad, b, 0)?.equals(plain)).toBe(true);
    }
  });
});
