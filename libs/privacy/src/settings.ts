import { setting, type Parser } from '@hark/config';
import { parseMasterKey, type MasterKey } from './master-key.ts';

const masterKeyParser: Parser<MasterKey> = (raw) => {
  try {
    return parseMasterKey(raw);
  } catch (err) {
    throw new Error((err as Error).message);
  }
};

const masterKeyList: Parser<MasterKey[]> = (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(masterKeyParser);

/** The settings of any process that opens a keyring; spread into a service's config spec. */
export const privacySettings = {
  privacyMasterKey: setting({
    env: 'HARK_PRIVACY_MASTER_KEY',
    doc: 'base64 of the 32-byte master key that wraps every per-author data key (secret; required)',
    parse: masterKeyParser,
    secret: true,
  }),
  privacyPreviousMasterKeys: setting({
    env: 'HARK_PRIVACY_PREVIOUS_MASTER_KEYS',
    doc: 'comma-separated older master keys still accepted for unwrapping, during a rotation',
    parse: masterKeyList,
    default: [] as MasterKey[],
    secret: true,
  }),
};
