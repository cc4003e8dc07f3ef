import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../server/config.js';
import { CONFIGURATION_DOC, renderConfigurationDoc } from './config-docs.js';

describe('docs/configuration.md', () => {
  it('is current with SETTINGS (run `npm run docs:config` after changing a setting)', () => {
    expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(renderConfigurationDoc());
  });

  it('documents every setting with its default', () => {
    const doc = renderConfigurationDoc();
    for (const setting of SETTINGS) expect(doc).toContain(`| \`${setting.name}\` |`);
  });
});
