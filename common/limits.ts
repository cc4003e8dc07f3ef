/** Limits shared by the server and the web app. */
export const LIMITS = {
  jsonBodyBytes: 1024 * 1024,
  nameLength: 300,
  textLength: 100_000,
  pageSizeMax: 200,
  pageSizeDefault: 50,
} as const;
