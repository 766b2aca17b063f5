import { fileURLToPath } from 'node:url';

/** Migrations scope `action-router`: the webhook outbox and the spike detector's state. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
