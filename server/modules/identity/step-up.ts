/** Step-up lives in the access choke point; identity's name for it is kept for its callers. */
export { requireRecentFactor as requireRecentMfa, STEP_UP_WINDOW_MS } from '../../access/index.js';
