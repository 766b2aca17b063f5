import { HarkError } from '@hark/errors';
import type { Pool } from '@hark/db';
import type { Alert, AlertMetric } from '@hark/events';
import type { Logger } from '@hark/observability';
import type { OutputWriter } from '@hark/stage-runtime';
import { describeDetector, type DetectorParams } from '../domain/spikes/detector.ts';
import {
  endsToEvaluate,
  evaluateSeries,
  METRICS,
  type Opening,
  type SeriesState,
} from '../domain/spikes/evaluate.ts';
import { lookbackMs, MINUTE_MS, MinuteSeries } from '../domain/spikes/series.ts';
import type { RouterMetrics } from './router-metrics.ts';
import { seriesKey, spikeStore, splitKey } from './spike-store.ts';

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
  const now = deps.now ?? Date.now;
  const p = deps.params;
  const detector = describeDetector(p);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Alert[]> | undefined;

  async function evaluate(): Promise<Alert[]> {
    const end = deps.metrics.alertRoundSeconds.startTimer();
    const client = await deps.pool.connect().catch((err: unknown) => {
      throw new HarkError(
        'HARK_ALERT_EVALUATION_FAILED',
        `no database connection: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    });
    try {
      await client.query('begin');
      if (!(await spikeStore.tryLock(client))) {
        await client.query('commit');
        deps.metrics.alertRounds.inc({ outcome: 'skipped' });
        return [];
      }
      const latestEnd = Math.floor((now() - deps.graceMs) / MINUTE_MS) * MINUTE_MS;
      const states = await spikeStore.loadStates(client);
      const brands = await spikeStore.trackedBrands(client);
      const oldest = latestEnd - (deps.maxCatchUp - 1) * MINUTE_MS;
      let firstEnd = latestEnd;
      for (const s of states.values())
        if (s.lastEvaluatedEnd !== null && s.lastEvaluatedEnd < latestEnd)
          firstEnd = Math.min(firstEnd, Math.max(oldest, s.lastEvaluatedEnd + MINUTE_MS));
      const from = firstEnd - lookbackMs(p);
      const minutes = (latestEnd - from) / MINUTE_MS;
      const rows =
        brands.length > 0 ? await spikeStore.minuteRows(client, brands, from, latestEnd) : [];
      const series = new Map<string, MinuteSeries>();
      for (const r of rows) {
        const key = seriesKey(r.brand, r.platform);
        let s = series.get(key);
        if (!s) series.set(key, (s = new MinuteSeries(from, minutes)));
        s.add(r.windowStart, r);
      }
      const empty = new MinuteSeries(from, minutes).seal();
      const next = new Map<string, SeriesState>();
      const openings: { key: string; o: Opening }[] = [];
      for (const key of new Set([...series.keys(), ...states.keys()])) {
        const state = states.get(key) ?? { lastEvaluatedEnd: null, episodes: {} };
        const ends = endsToEvaluate(state.lastEvaluatedEnd, latestEnd, MINUTE_MS, deps.maxCatchUp);
        if (ends.length === 0) continue;
        const [brand, platform] = splitKey(key);
        const result = evaluateSeries(
          { brand, platform },
          series.get(key)?.seal() ?? empty,
          ends,
          state,
          p,
        );
        next.set(key, result.state);
        for (const o of result.openings) openings.push({ key, o });
      }
      const alerts: Alert[] = [];
      for (const { key, o } of openings) {
        const [brand, platform] = splitKey(key);
        alerts.push({
          alertId: o.episodeId,
          brand,
          platform,
          metric: o.metric,
          windowStartAt: o.windowStart,
          windowEndAt: o.windowEnd,
          observed: o.score.observed,
          expected: o.score.expected,
          deviation: Number.isFinite(o.score.z) ? o.score.z : 0,
          mentions: o.mentions,
          negative: o.negative,
          baselineWindows: p.baselineWindows,
          topMentions: await spikeStore.topMentions(client, {
            brand,
            platform,
            from: o.windowStart,
            to: o.windowEnd,
            metric: o.metric,
            limit: deps.topMentions,
          }),
          detector,
          detectedAt: now(),
        });
      }
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
      await spikeStore.saveStates(client, next);
      await client.query('commit');
      for (const a of toSend) {
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
      const open = new Map<AlertMetric, number>(METRICS.map((m) => [m, 0]));
      for (const st of new Map([...states, ...next]).values())
        for (const m of Object.keys(st.episodes) as AlertMetric[])
          open.set(m, (open.get(m) ?? 0) + 1);
      for (const [m, n] of open) deps.metrics.openEpisodes.set({ metric: m }, n);
      deps.metrics.alertRounds.inc({ outcome: 'done' });
      return toSend;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      deps.metrics.alertRounds.inc({ outcome: 'failed' });
      throw new HarkError(
        'HARK_ALERT_EVALUATION_FAILED',
        `spike round failed: ${(err as Error).message}`,
        {
          cause: err,
        },
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
