/**
 * A fixed, public master key for tests only. Anything holding real data gets
 * its key from a secret store (`HARK_PRIVACY_MASTER_KEY`); this one is in the
 * repository, so it protects nothing.
 */
export const TEST_MASTER_KEY = 'dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMtISE=';
