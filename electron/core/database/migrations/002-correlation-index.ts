/** Schema version 2: an alert's stored evidence is looked up by correlation id (the alert evidence fallback, issue 17). */
export const MIGRATION_002 = `
CREATE INDEX events_correlation_idx ON events (correlation_id);
`;
