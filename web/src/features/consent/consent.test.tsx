import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { createQueryClient } from '../../api/query';
import { SessionProvider } from '../identity';
import type { Disclosure } from './api';
import { registerCsvUrl, privilegeLogUrl } from './api';
import { actionErrorTitle } from './DisclosureDetailPage';
import { basisLabel, dayOf, labelsOf, matterLabel, parseDay, PURPOSE_LABELS, shortSha } from './labels';
import { itemProblem } from './RequestDisclosurePage';
import { SharePage } from './SharePage';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ID = '01a23578-bf1d-71f7-97d8-0c7e484903e1';

const render = (node: ReactNode, at = '/') =>
  renderToStaticMarkup(
    <QueryClientProvider client={createQueryClient()}>
      <SessionProvider>
        <MemoryRouter initialEntries={[at]}>{node}</MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );

describe('consent pages', () => {
  it('shows a refusal next to its item without the id the server names it by', () => {
    const said = itemProblem(`note ${ID} is outside the consent (data category notes not consented)`);
    expect(said).toBe('is outside the consent (data category notes not consented)');
    expect(said).not.toMatch(UUID);
    // A sentence that does not start with an item id is kept whole.
    expect(itemProblem('is listed twice')).toBe('is listed twice');
  });

  it('says a self-approval refusal plainly, naming who must approve', () => {
    const title = actionErrorTitle(new ApiError(403, 'SEPARATION_OF_DUTIES', 'Someone other than the requester must approve this disclosure'));
    expect(title).toContain('you cannot approve it yourself');
    expect(title).toContain('compliance officer');
    expect(actionErrorTitle(new ApiError(409, 'CONSENT_WITHDRAWN', 'x'))).toContain('withdrew the consent');
    expect(actionErrorTitle(new Error('boom'))).toBe('Could not do that');
  });

  it('names codes, matters and bases in words; a gag order is said', () => {
    expect(labelsOf(PURPOSE_LABELS, ['litigation', 'settlement'])).toBe('Litigation, Settlement');
    expect(labelsOf(PURPOSE_LABELS, ['a_new_code'])).toBe('a_new_code');
    expect(matterLabel({ number: '2026-0001', title: 'Northwind v. Contoso' })).toBe('2026-0001 — Northwind v. Contoso');
    expect(matterLabel({ number: null, title: null })).not.toMatch(UUID);
    const exception = { basis: { kind: 'exception', exception: 'court_order', consentId: null, reference: 'r', supportingDocumentId: ID, gagOrder: true } } as unknown as Disclosure;
    expect(basisLabel(exception)).toBe('Legal exception: Court order (gag order: never shown to the client)');
    expect(shortSha('a'.repeat(64))).toHaveLength(12);
  });

  it('reads a date field as that local day, and refuses what is not a date', () => {
    const ms = parseDay('2026-03-04');
    expect(ms).not.toBeNull();
    expect(dayOf(ms!)).toBe('2026-03-04');
    expect(parseDay('04/03/2026')).toBeNull();
    expect(parseDay('')).toBeNull();
  });

  it('puts only ids and codes in download links, never client text', () => {
    expect(registerCsvUrl({ clientId: ID, status: 'executed' })).toBe(`/api/v1/disclosures?format=csv&clientId=${ID}&status=executed`);
    expect(registerCsvUrl({})).toBe('/api/v1/disclosures?format=csv');
    expect(privilegeLogUrl(ID, 'pdf')).toBe(`/api/v1/matters/${ID}/privilege-log?format=pdf`);
  });

  it('on a share page without a whole token, asks for the whole link and calls nothing', () => {
    const html = render(<SharePage />, '/share#short');
    expect(html).toContain('This link is not complete');
    expect(html).not.toContain('Send me a code');
  });
});
