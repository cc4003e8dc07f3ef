import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { createQueryClient } from '../../api/query';
import type { Approval } from './api';
import { describeApproval } from './ApprovalsPage';
import { BlockedNotice } from './BlockedNotice';
import { coversText, matterText } from './labels';
import { matterIdFromLink } from './MatterLinkField';

const MATTER = '01a23578-bf1d-71f7-97d8-0c7e484903e1';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const render = (node: ReactNode) =>
  renderToStaticMarkup(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>{node}</MemoryRouter>
    </QueryClientProvider>,
  );
const visibleText = (html: string) => html.replace(/<[^>]+>/g, ' ');

describe('access pages', () => {
  it('offers, for a matter that does not open (404), asking to join and emergency access — never a screen', () => {
    const html = render(<BlockedNotice matterId={MATTER} error={new ApiError(404, 'ACCESS_DENIED', 'Not found')} />);
    expect(html).toContain(`href="/access/requests?matterId=${MATTER}"`);
    expect(html).toContain(`href="/access/break-glass?matterId=${MATTER}"`);
    expect(visibleText(html)).not.toMatch(/wall|screen/i);
    expect(visibleText(html)).not.toMatch(UUID);
  });

  it('explains an unmet gate, and asks the decision for the wall of a memo to acknowledge', () => {
    expect(render(<BlockedNotice matterId={MATTER} error={new ApiError(403, 'GATE_NOT_SATISFIED', 'Gate')} />)).toContain('confidentiality agreement');
    // The wall comes from GET /access/decision; until it answers, the notice is loading.
    expect(render(<BlockedNotice matterId={MATTER} error={new ApiError(403, 'ACKNOWLEDGEMENT_REQUIRED', 'Ack')} />)).toContain('Loading');
  });

  it('reads the matter out of a pasted link to its page, and nothing else', () => {
    expect(matterIdFromLink(`https://confidant.firm.example/matters/${MATTER}`)).toBe(MATTER);
    expect(matterIdFromLink(`/matters/${MATTER.toUpperCase()}?tab=team`)).toBe(MATTER);
    expect(matterIdFromLink(MATTER)).toBe(MATTER);
    expect(matterIdFromLink(`/clients/${MATTER}`)).toBeNull();
    expect(matterIdFromLink('2026-0001')).toBeNull();
  });

  it('names matters by number, with the title only when the server gave it', () => {
    const withheld = { id: MATTER, number: '2026-0001', title: null, clientId: MATTER, clientName: null };
    expect(matterText(withheld)).toBe('2026-0001');
    expect(matterText({ ...withheld, title: 'Harbour acquisition' })).toBe('2026-0001 — Harbour acquisition');
    expect(coversText({ matterId: null, matter: null, client: { id: MATTER, name: null } })).toBe('All matters of a client (name not shown to you)');
    const lift = { kind: 'access.wall.lift', payload: { wallId: MATTER, matterId: MATTER }, matter: withheld, client: { id: MATTER, name: null }, subjectName: null } as unknown as Approval;
    expect(describeApproval(lift)).toBe('Lift the ethical wall on matter 2026-0001');
    const shred = { kind: 'keys.shred', payload: { clientId: MATTER }, matter: null, client: { id: MATTER, name: null }, subjectName: null } as unknown as Approval;
    expect(describeApproval(shred)).not.toMatch(UUID);
  });
});
