import { HarkError } from '@hark/errors';
import { checkScoredMention } from '@hark/events';
import { encryptIdentityLinkPii, identityLinkAuthorRef } from '@hark/privacy';
import { defineService, isEntryPoint, runService, type RunningService } from '@hark/stage-runtime';
import { createComplianceHandler } from './adapters/compliance-handler.ts';
import { createCustomerRepository } from './adapters/customer-repository.ts';
import { registerIdentityApi } from './adapters/http-api.ts';
import { createIdentityRepository } from './adapters/identity-repository.ts';
import { createMatching, type Matching } from './adapters/matching.ts';
import { registerPrivacyApi } from './adapters/privacy-api.ts';
import { createPrivacyRuntime } from './adapters/privacy-runtime.ts';
import { AUTHOR_FIELDS, createResolutionHandler } from './adapters/resolution-handler.ts';
import { configSpec } from './config.ts';
import { MIGRATIONS_DIR, SERVICE } from './schema.ts';

/**
 * Scored mentions in, resolved mentions and identity decisions out; compliance
 * events carried out on identities; the identity and privacy API on the ops server.
 */
export const identityService = defineService({
  name: SERVICE,
  config: configSpec,
  database: { migrations: MIGRATIONS_DIR },
  keyring: true,
  outputs: {
    // A ResolvedMention is the consumed ScoredMention plus the resolution: appended.
    resolved: { event: 'ResolvedMention', topic: (c) => c.outputTopic, extends: 'ScoredMention' },
    links: { event: 'IdentityLink', topic: (c) => c.linksTopic },
  },
  async setup({
    config,
    logger,
    registry,
    pool,
    keyring,
    producer,
    serde,
    outputs,
    isStarted,
    input,
  }) {
    const customers = createCustomerRepository({ pool });
    const identities = createIdentityRepository({ pool });
    const matching = createMatching({ config, pool, customers, logger, registry });
    const privacy = await createPrivacyRuntime({
      pool,
      producer,
      serde,
      topics: { links: outputs.links.topic, compliance: config.complianceTopic },
      masterKey: config.privacyMasterKey,
      previousMasterKeys: config.privacyPreviousMasterKeys,
      auditSecret: config.privacyAuditSecret,
      logger,
      listen: true,
      keyring,
    });
    return {
      inputs: [
        input({
          name: 'scored',
          stage: SERVICE,
          topic: config.inputTopic,
          event: 'ScoredMention',
          check: checkScoredMention,
          // Matching reads the author fields; the text and url stay sealed here.
          personal: { fields: AUTHOR_FIELDS, mentionOf: (scored) => scored.mention },
          handle: createResolutionHandler({
            ...matching,
            identities,
            logger,
            registry,
            keyring,
            observe: (author) => matching.refitter.observe(author),
          }),
        }),
        input({
          name: 'compliance',
          stage: `${SERVICE}-compliance`,
          topic: config.complianceTopic,
          group: config.complianceGroupId || `${config.groupId}.compliance`,
          event: 'ComplianceEvent',
          batchSize: 100,
          lowVolume: true,
          handle: createComplianceHandler({
            pool,
            secret: privacy.secret,
            shred: privacy.shred,
            logger,
            registry,
          }),
        }),
      ],
      routes: (app) =>
        registerIdentityApi(app, {
          customers,
          identities,
          apiKeys: config.apiKeys,
          // Manual decisions are sealed like the stage's: the handle is personal.
          emitLink: async (link) => {
            const ref = identityLinkAuthorRef(link);
            const key = (await keyring.keysForWrite([ref])).get(ref)!;
            const value = encryptIdentityLinkPii(link, key);
            await outputs.links.send([{ key: `${link.platform}:${link.authorId}`, value }]);
          },
          isStarted,
          logger,
          extraRoutes: (api) =>
            registerPrivacyApi(api, {
              privacy: () => {
                if (!isStarted())
                  throw new HarkError('HARK_DB_UNAVAILABLE', 'privacy is starting; retry');
                return privacy;
              },
              logger,
            }),
        }),
      readiness: { 'customer-index': () => matching.refresher.isFresh() },
      components: [
        { name: 'index refresher', ...matching.refresher },
        { name: 'model refitter', ...matching.refitter },
      ],
      exposed: matching,
    };
  },
});

/** The running service as tests reach it: the customer index, its refresher, the refitter. */
export type IdentityService = RunningService<Matching>;

if (isEntryPoint(import.meta.url)) await runService(identityService);
