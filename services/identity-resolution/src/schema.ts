import { fileURLToPath } from 'node:url';

export const SERVICE = 'identity-resolution';
/** Migrations scope `identity-resolution`; applied by the service at start and by `hark crm import`. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
