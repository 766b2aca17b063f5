import type { ConfigOf } from '@hark/config';
import { createPool, migrate, pingDatabase, type Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import { loadSchema, valueSubject, type DeadLetter, type EventName } from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  createStage,
  type BatchHandler,
  type Encoder,
  type Stage,
} from '@hark/kafka';
import {
  createLifecycle,
  createOpsServerFor,
  type Lifecycle,
  type Logger,
} from '@hark/observability';
import { createKeyring, createPrivacyMetrics, migratePrivacy, type Keyring } from '@hark/privacy';
import type { Registry } from 'prom-client';
import type {
  Input,
  OutputWriter,
  Outputs,
  ServiceDeclaration,
  SetupContext,
  Wiring,
  Writers,
} from './declaration.ts';
import { bindOutput, type BoundOutput } from './encode-outputs.ts';
import { createExtensionMetrics } from './extension-metrics.ts';
import { inputFetch, type StageConfig, type StageSettings } from './settings.ts';
import { createStageHandler } from './stage-handler.ts';
import { declarationProblems } from './validate.ts';

export interface ServiceOptions<C> {
  config: C;
  logger: Logger;
  registry: Registry;
  /** The process's lifecycle (main); tests get a private one that does not exit. */
  lifecycle?: Lifecycle;
  /** A consumer stopped for good. Default with a lifecycle: shut down with exit code 1. */
  onCrash?: (err: Error) => void;
  now?: () => number;
  /** Consumer session timeout (tests shorten it so a crashed member leaves sooner). */
  sessionTimeoutMs?: number;
  /** Decorates an input's batch handler by input name (fault injection in tests). */
  wrapHandler?: (input: string, handler: BatchHandler<unknown>) => BatchHandler<unknown>;
}

export interface RunningService<X> {
  /** Ops server, migrations, producer and outputs, components, then the consumers. */
  start(): Promise<{ port: number }>;
  /** Readiness 503, consumers finish and commit, components, producer, HTTP, keyring, pool. */
  close(): Promise<void>;
  /** Every consumer is in its group. */
  isConsuming(): boolean;
  readonly pool: Pool;
  /** What the declaration's setup exposed. */
  readonly exposed: X;
}

/**
 * Builds a declared service: settings are parsed already; clients are made
 * here without I/O and `setup` builds the domain. `start()` does the I/O in
 * the order `RunningService.start` names and registers each close step on the
 * lifecycle as its part starts, so a failed start closes only what started.
 */
export async function createService<S extends StageSettings, O extends Outputs<ConfigOf<S>>, X>(
  declaration: ServiceDeclaration<S, O, X>,
  opts: ServiceOptions<ConfigOf<S>>,
): Promise<RunningService<X>> {
  const { logger, registry } = opts;
  // The shared settings, read through their own type: `ConfigOf<S>` stays opaque inside a generic.
  const config = opts.config as unknown as StageConfig;
  const name = declaration.name;
  const log = logger.child({ component: 'runtime' });
  const lifecycle = opts.lifecycle ?? createLifecycle({ logger, exit: () => {} });
  const onCrash =
    opts.onCrash ??
    ((err: Error) => void lifecycle.shutdown(`consumer crashed: ${err.message}`, 1));
  const { pool, keyring, kafka, producer, serde } = createClients(declaration, config, logger);
  const ops = createOpsServerFor(config, { registry, logger });
  const outputs = createWriters(declaration.outputs, opts.config, producer);
  const privacyMetrics = createPrivacyMetrics(registry);
  const extensionMetrics = createExtensionMetrics(registry);
  let started = false;
  const ctx: SetupContext<ConfigOf<S>, O> = {
    config: opts.config,
    logger,
    registry,
    get pool() {
      return need(pool, 'database');
    },
    get keyring() {
      return need(keyring, 'keyring');
    },
    kafka,
    producer,
    serde,
    outputs: outputs.writers as Writers<O>,
    isStarted: () => started,
    now: opts.now ?? Date.now,
    input: (input: Input<O>) => input,
  };
  // Registered before setup: the keyring's listener connects from creation, so a setup that
  // fails (a bad rules file) must still close it and the pool.
  if (pool) lifecycle.onShutdown('database pool', () => pool.end());
  // Closing before the listener subscribed would leave its connection checked out and
  // pool.end() waiting forever.
  if (keyring) lifecycle.onShutdown('keyring', () => keyring.ready().then(() => keyring.close()));
  let wiring: Wiring<O, X>;
  try {
    wiring = await declaration.setup(ctx);
    const problems = declarationProblems(name, Object.keys(declaration.outputs), wiring, config);
    if (problems.length > 0)
      throw new HarkError('HARK_CONFIG_INVALID', problems.join('\n'), { context: { problems } });
  } catch (err) {
    // The process's lifecycle is shut down by its owner; a private one is closed here.
    if (!opts.lifecycle) await lifecycle.shutdown('setup failed', 1);
    throw err;
  }
  const stages: Stage[] = [];
  const isConsuming = () =>
    stages.length === wiring.inputs.length && stages.every((s) => s.isReady());

  async function startConsumers(dlq: Encoder<DeadLetter>): Promise<void> {
    lifecycle.onShutdown('consumers', async () => {
      await Promise.allSettled(stages.map((s) => s.close()));
    });
    const bound = outputs.bound();
    for (const input of wiring.inputs) {
      const stageName = input.stage ?? `${name}.${input.name}`;
      const decoder = serde.decoder(loadSchema(input.event));
      let handle = createStageHandler({
        input,
        outputs: bound,
        keyring,
        onErased: (n) => privacyMetrics.erased.inc({ stage: stageName }, n),
        decoder,
        onExtended: (output, path, n) =>
          extensionMetrics.outputs.inc({ stage: stageName, output, path }, n),
      });
      if (opts.wrapHandler) handle = opts.wrapHandler(input.name, handle);
      const stage = createStage<unknown>({
        stage: stageName,
        kafka,
        producer,
        logger,
        registry,
        groupId: input.group ?? config.groupId,
        topics: [input.topic],
        decoder,
        check: input.check as ((value: unknown) => readonly string[]) | undefined,
        dlq: Object.assign(dlq, { topic: config.dlqTopic }),
        handle,
        maxBatchSize: input.batchSize ?? config.batchSize,
        fetch: inputFetch(input, config),
        sessionTimeout: opts.sessionTimeoutMs,
        onCrash,
      });
      stages.push(stage);
      await stage.start();
    }
  }

  return {
    get pool() {
      return need(pool, 'database');
    },
    exposed: wiring.exposed as X,
    isConsuming,

    async start() {
      await wiring.routes?.(ops.app);
      ops.addReadinessCheck('consumers', isConsuming);
      if (pool) ops.addReadinessCheck('database', () => pingDatabase(pool));
      for (const [check, ready] of Object.entries(wiring.readiness ?? {}))
        ops.addReadinessCheck(check, ready);
      lifecycle.onShutdown('ops server', () => ops.close());
      // /healthz answers from here on, while migrations, components and group joins run.
      const { port } = await ops.start();
      if (pool && keyring) await migratePrivacy({ pool, logger });
      if (pool && declaration.database?.migrations)
        await migrate({ pool, scope: name, dir: declaration.database.migrations, logger });
      await producer.connect();
      lifecycle.onShutdown('producer', () => producer.disconnect());
      await outputs.bind(serde);
      for (const [output, b] of Object.entries(outputs.bound()))
        if (b.extension && !b.extension.extension.exact)
          log.warn(
            { output, extends: b.extension.input },
            'the output schema no longer embeds its input schema exactly: every record is encoded in full',
          );
      const dlq = await serde.encoder<DeadLetter>(
        valueSubject(config.dlqTopic),
        loadSchema('DeadLetter'),
      );
      for (const component of wiring.components ?? []) {
        await component.start();
        lifecycle.onShutdown(component.name, () => component.close());
      }
      started = true;
      await startConsumers(dlq);
      // Registered last, so it runs first: readiness turns 503 before anything closes.
      lifecycle.onShutdown('readiness', () => {
        started = false;
        ops.markShuttingDown();
      });
      log.info({ port, inputs: wiring.inputs.map((i) => i.topic) }, `${name} started`);
      return { port };
    },

    close: () => lifecycle.shutdown('closed'),
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new HarkError('HARK_CONFIG_INVALID', `the service does not declare a ${what}`);
  return value;
}

/** The clients a declaration needs, made without I/O (the keyring's listener aside). */
function createClients(
  declaration: { name: string; database?: object; keyring?: boolean },
  config: StageConfig,
  logger: Logger,
) {
  const name = declaration.name;
  const pool = declaration.database
    ? createPool({ url: config.databaseUrl, logger, max: config.dbPoolMax, applicationName: name })
    : undefined;
  const keyring: Keyring | undefined = declaration.keyring
    ? createKeyring({
        pool: need(pool, `database (${name}'s keyring lives in it)`),
        masterKey: config.privacyMasterKey,
        previousMasterKeys: config.privacyPreviousMasterKeys,
        logger,
      })
    : undefined;
  const kafka = createKafka({ clientId: name, brokers: [...config.kafkaBrokers], logger });
  const producer = createProducer(kafka);
  const serde = createAvroSerde({
    registry: createRegistryClient({ url: config.schemaRegistryUrl }),
  });
  return { pool, keyring, kafka, producer, serde };
}

interface LazyWriter extends OutputWriter<unknown> {
  event: EventName;
  extends?: EventName;
  encoder?: Encoder<unknown>;
  bound?: BoundOutput;
}

/**
 * The declared outputs as writers whose encoders are registered at start, so a
 * registry that refuses a schema fails the start, not the first batch.
 */
function createWriters<C>(
  declared: Outputs<C>,
  config: C,
  producer: { send: ReturnType<typeof createProducer>['send'] },
) {
  const writers: Record<string, LazyWriter> = {};
  for (const [name, out] of Object.entries(declared)) {
    const writer: LazyWriter = {
      event: out.event,
      extends: out.extends,
      topic: out.topic(config),
      encode(value) {
        if (!writer.encoder)
          throw new HarkError('HARK_KAFKA_UNAVAILABLE', `output ${name} is not ready yet`);
        return writer.encoder.encode(value);
      },
      async send(records) {
        const messages = records.map((r) => ({
          key: r.key,
          value: r.value === null ? null : writer.encode(r.value),
        }));
        try {
          await producer.send({ topic: writer.topic, acks: -1, messages });
        } catch (err) {
          throw new HarkError(
            'HARK_KAFKA_UNAVAILABLE',
            `${writer.topic} write failed: ${(err as Error).message}`,
            { cause: err },
          );
        }
      },
    };
    writers[name] = writer;
  }
  return {
    writers,
    async bind(serde: ReturnType<typeof createAvroSerde>): Promise<void> {
      for (const w of Object.values(writers)) {
        const encoder = await serde.encoder<unknown>(valueSubject(w.topic), loadSchema(w.event));
        // An output that does not hold the input it declares to extend fails the start here.
        w.bound = bindOutput({ topic: w.topic, event: w.event, extends: w.extends, encoder });
        w.encoder = encoder;
      }
    },
    /** The encoders themselves for the stage path: no readiness check per record. */
    bound(): Record<string, BoundOutput> {
      const bound: Record<string, BoundOutput> = {};
      for (const [name, w] of Object.entries(writers)) bound[name] = w.bound!;
      return bound;
    },
  };
}
