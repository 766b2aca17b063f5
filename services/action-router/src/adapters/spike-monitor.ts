import { HarkError } from '@hark/errors';
import type { Pool, PoolClient } from '@hark/db';
import type { Alert } from '@hark/events';
import type { Logger } from '@hark/observability';
import type { OutputWriter } from '@hark/stage-runtime';
import { describeDetector, type DetectorParams } from '../domain/spikes/detector.ts';
import type { SeriesState } from '../domain/spikes/evaluate.ts';
import { alertOf, evaluateRound, openEpisodes, roundRange } from '../domain/spikes/round.ts';
import type { RouterMetrics } from './router-metrics.ts';
import { spikeStore } from './spike-store.ts';

export interface SpikeMonitorDeps {
  pool: Pool;
  /** The service's `alerts` output: produces with acks=all. */
  alerts: Pick<OutputWriter<Alert>, 'send'>;
  logger: Logger;
  metrics: RouterMetrics;
  params: DetectorParams;
  intervalMs: number;
  graceMs: number;
  maxCatchUp: number;
  topMentions: number;
  now?: () => number;
}

export interface SpikeMonitor {
  start(): void;
  /** One evaluation round now; resolves with the alerts it emitted. */
  round(): Promise<Alert[]>;
  close(): Promise<void>;
}

/**
 * Evaluates, on a timer, every minute window that closed at least the grace
 * period ago, from metrics-rollup's exactly-once minute rollups. One round is
 * one transaction under an advisory lock: read state and rollups, run the
 * detector, log and produce the new alerts (acks=all), save the state,
 * commit. A failure anywhere rolls back, so the same windows are evaluated
 * again next round and an alert keeps its deterministic id.
 */
export function createSpikeMonitor(deps: SpikeMonitorDeps): SpikeMonitor {
  const log = deps.logger.child({ component: 'spikes' });
  const detector = describeDetector(deps.params);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Alert[]> | undefined;

  async function evaluate(): Promise<Alert[]> {
    const end = deps.metrics.alertRoundSeconds.startTimer();
    const client = await connect(deps.pool);
    try {
      await client.query('begin');
      if (!(await spikeStore.tryLock(client))) {
        await client.query('commit');
        deps.metrics.alertRounds.inc({ outcome: 'skipped' });
        return [];
      }
      const { states, next, alerts } = await detectSpikes(deps, detector, client);
      const sent = await publishFreshAlerts(deps, client, alerts);
      await spikeStore.saveStates(client, next);
      await client.query('commit');
      reportRound(deps, log, sent, openEpisodes(states, next));
      return sent;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      deps.metrics.alertRounds.inc({ outcome: 'failed' });
      throw new HarkError(
        'HARK_ALERT_EVALUATION_FAILED',
        `spike round failed: ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      client.release();
      end();
    }
  }

  function round(): Promise<Alert[]> {
    running ??= evaluate().finally(() => (running = undefined));
    return running;
  }

  return {
    round,
    start() {
      timer = setInterval(() => {
        round().catch((err: unknown) =>
          log.warn({ err }, 'spike round failed; retrying next interval'),
        );
      }, deps.intervalMs);
      timer.unref();
      log.info(
        { detector, intervalMs: deps.intervalMs, graceMs: deps.graceMs },
        'spike detection started',
      );
    },
    async close() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

function connect(pool: Pool): Promise<PoolClient> {
  return pool.connect().catch((err: unknown) => {
    throw new HarkError(
      'HARK_ALERT_EVALUATION_FAILED',
      `no database connection: ${(err as Error).message}`,
      { cause: err },
    );
  });
}

/** Reads state and rollups, runs the detector: the alerts of the episodes that opened. */
async function detectSpikes(
  deps: SpikeMonitorDeps,
  detector: string,
  client: PoolClient,
): Promise<{ states: Map<string, SeriesState>; next: Map<string, SeriesState>; alerts: Alert[] }> {
  const now = deps.now ?? Date.now;
  const p = deps.params;
  const at = now();
  const states = await spikeStore.loadStates(client);
  const brands = await spikeStore.trackedBrands(client);
  const range = roundRange(at, deps.graceMs, deps.maxCatchUp, states, p);
  const rows =
    brands.length > 0
      ? await spikeStore.minuteRows(client, brands, range.from, range.latestEnd)
      : [];
  const { next, openings } = evaluateRound(rows, states, range, deps.maxCatchUp, p);
  const alerts: Alert[] = [];
  for (const opened of openings) {
    const { brand, platform, opening: o } = opened;
    const topMentions = await spikeStore.topMentions(client, {
      brand,
      platform,
      from: o.windowStart,
      to: o.windowEnd,
      metric: o.metric,
      limit: deps.topMentions,
    });
    alerts.push(alertOf(opened, { topMentions, detector, detectedAt: now(), p }));
  }
  return { states, next, alerts };
}

/** Logs the alerts and produces the ones not logged before (a re-run finds its own). */
async function publishFreshAlerts(
  deps: SpikeMonitorDeps,
  client: PoolClient,
  alerts: Alert[],
): Promise<Alert[]> {
  const fresh = await spikeStore.logAlerts(
    client,
    alerts.map((a) => ({
      ...a,
      windowStart: a.windowStartAt,
      windowEnd: a.windowEndAt,
      deviation: a.deviation,
    })),
  );
  const toSend = alerts.filter((a) => fresh.has(a.alertId));
  if (toSend.length > 0) {
    await deps.alerts.send(toSend.map((a) => ({ key: `${a.brand}:${a.platform}`, value: a })));
  }
  return toSend;
}

function reportRound(
  deps: SpikeMonitorDeps,
  log: Logger,
  sent: readonly Alert[],
  open: ReadonlyMap<string, number>,
): void {
  for (const a of sent) {
    deps.metrics.alerts.inc({ metric: a.metric });
    log.warn(
      {
        alertId: a.alertId,
        observed: a.observed,
        expected: a.expected,
        deviation: a.deviation,
      },
      'spike alert',
    );
  }
  for (const [m, n] of open) deps.metrics.openEpisodes.set({ metric: m }, n);
  deps.metrics.alertRounds.inc({ outcome: 'done' });
}
