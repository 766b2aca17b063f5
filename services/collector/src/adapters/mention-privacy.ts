import type { Mention } from '@hark/events';
import { encryptMentionPii, mentionAuthorRef, type Keyring } from '@hark/privacy';
import { Counter, type Registry } from 'prom-client';
import { minimiseMention, type MinimiseOptions } from '../domain/minimise-mention.ts';

/** What the collector does to a mention's personal data before it is produced. */
export interface MentionPrivacy {
  /**
   * Minimises then encrypts a batch with one keyring round trip. Throws a
   * retriable HARK_DB_UNAVAILABLE when the keyring cannot answer: the caller
   * answers 503, since a mention we cannot protect is not accepted.
   */
  protect(mentions: readonly Mention[]): Promise<Mention[]>;
}

export function createMentionPrivacy(
  deps: MinimiseOptions & {
    /** null = encryption off (PRIVACY_ENCRYPT=false, debugging only). */
    keyring: Keyring | null;
    registry: Registry;
  },
): MentionPrivacy {
  const redacted = new Counter({
    name: 'hark_collector_redacted_contacts_total',
    help: 'E-mail addresses and phone numbers replaced in mention text, by kind.',
    labelNames: ['kind'],
    registers: [deps.registry],
  });
  return {
    async protect(mentions) {
      if (mentions.length === 0) return [];
      let emails = 0;
      let phones = 0;
      const minimised = mentions.map((m) => {
        const r = minimiseMention(m, deps);
        emails += r.emails;
        phones += r.phones;
        return r.mention;
      });
      if (emails > 0) redacted.inc({ kind: 'email' }, emails);
      if (phones > 0) redacted.inc({ kind: 'phone' }, phones);
      if (!deps.keyring) return minimised;
      const refs = minimised.map(mentionAuthorRef);
      const keys = await deps.keyring.keysForWrite(refs);
      return minimised.map((m, i) => encryptMentionPii(m, keys.get(refs[i]!)!));
    },
  };
}
