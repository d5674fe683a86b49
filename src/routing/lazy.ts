// The modules routing needs that load zod (incident validation, the Sentinel actions), imported on first
// use rather than when the app registers its functions: registering the intake and the reconciler stays
// cheap, and a cold start that serves other functions never loads them. Types come in with `import type`.

/** The first call starts the import; later calls share it. A failed import is retried by the next call. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}

/** src/incident/normalise.ts: normaliseIncident, IncidentValidationError, clean. */
export const loadNormalise = lazy(() => import('../incident/normalise.js'));

/** What the reconciler calls in Sentinel, and how it runs an action outside an orchestration. */
export const loadSentinelActions = lazy(async () => {
  const [{ executeAction }, { listAlerts }, { listEntities }, { listIncidents }] = await Promise.all([
    import('../actions/action.js'),
    import('../actions/sentinel/listAlerts.js'),
    import('../actions/sentinel/listEntities.js'),
    import('../actions/sentinel/listIncidents.js'),
  ]);
  return { executeAction, listAlerts, listEntities, listIncidents };
});
