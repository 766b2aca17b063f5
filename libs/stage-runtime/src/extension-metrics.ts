import { metricsOnce } from '@hark/observability';
import { Counter, type Registry } from 'prom-client';

/** `hark_stage_extended_outputs_total{stage,output,path}`, once per registry. */
export function createExtensionMetrics(registry: Registry) {
  return metricsOnce(registry, 'stage-extension', (registers) => ({
    outputs: new Counter({
      name: 'hark_stage_extended_outputs_total',
      help:
        'Outputs that extend their consumed record, by how they were written: appended to the ' +
        'consumed bytes, or encoded in full because of the writer schema (an older version), ' +
        'schema drift (the output no longer embeds the input schema) or bytes that differ.',
      labelNames: ['stage', 'output', 'path'],
      registers,
    }),
  }));
}
