/** Branded identifiers: a MatterId cannot be passed where a ClientId is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type ClientId = Brand<string, 'ClientId'>;
export type MatterId = Brand<string, 'MatterId'>;
export type DocumentId = Brand<string, 'DocumentId'>;
export type NoteId = Brand<string, 'NoteId'>;
export type WallId = Brand<string, 'WallId'>;
export type SessionId = Brand<string, 'SessionId'>;
export type RequestId = Brand<string, 'RequestId'>;
export type BlobId = Brand<string, 'BlobId'>;
