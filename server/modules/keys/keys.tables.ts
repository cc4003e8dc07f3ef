export interface KeysMasterTable {
  id: string;
  provider: string;
  version: number;
  wrapped_index_key: string;
  kdf_salt: string | null;
  kdf_params: string | null;
  created_at: number;
  rotated_at: number | null;
}

export interface KeysClientKeysTable {
  client_id: string;
  version: number;
  wrapped_key: string | null;
  master_version: number;
  state: 'active' | 'destroyed';
  created_at: number;
  destroyed_at: number | null;
}

/**
 * One per document version blob: a random 32-byte secret wrapped directly by the master key (AAD
 * binds client, matter and id). Destroyed: wrapped_key null, state destroyed; the row stays.
 */
export interface KeysObjectKeysTable {
  id: string;
  client_id: string;
  matter_id: string;
  wrapped_key: string | null;
  master_version: number;
  state: 'active' | 'destroyed';
  created_at: number;
  destroyed_at: number | null;
}

/** One-time token for choosing the first master passphrase (passphrase provider); SHA-256 only. */
export interface KeysSetupTokensTable {
  id: string;
  token_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface KeysTables {
  keys_master: KeysMasterTable;
  keys_client_keys: KeysClientKeysTable;
  keys_setup_tokens: KeysSetupTokensTable;
  keys_object_keys: KeysObjectKeysTable;
}
