import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '../../api/query';
import { portalKeys, type FileRequest, type PortalContact, type Thread } from './api';
import { ClientPortalPanel } from './ClientPortalPanel';
import { DocumentPortalShares } from './DocumentPortalShares';
import { MatterMessagesPanel } from './MatterMessagesPanel';

const CLIENT = '01a23578-bf1d-71f7-97d8-0c7e484903e1';
const MATTER = '01a23578-bf1d-71f7-97d8-0c7e484903e2';

function render(node: ReactNode, seed: (client: ReturnType<typeof createQueryClient>) => void): string {
  const client = createQueryClient();
  seed(client);
  return renderToStaticMarkup(
    <QueryClientProvider client={client}>
      <MemoryRouter>{node}</MemoryRouter>
    </QueryClientProvider>,
  );
}

const contact = (over: Partial<PortalContact>): PortalContact => ({
  id: 'c1',
  clientId: CLIENT,
  name: 'Ada Client',
  email: 'ada@example.com',
  status: 'invited',
  matterScope: 'all',
  matters: [],
  invitedBy: 'u1',
  invitedByName: 'Lee Lawyer',
  invitedAt: 1_700_000_000_000,
  activatedAt: null,
  disabledAt: null,
  consentRequests: [],
  ...over,
});

describe('portal, staff side', () => {
  it('lists contacts with their status in words, matters by number and who invited them', () => {
    const html = render(<ClientPortalPanel clientId={CLIENT} />, (q) =>
      q.setQueryData(portalKeys.contacts(CLIENT), {
        items: [contact({}), contact({ id: 'c2', name: 'Bo Client', status: 'active', activatedAt: 1_700_000_100_000, matterScope: 'listed', matters: [{ id: MATTER, number: '2026-0001', title: 'Northwind v. Contoso' }], consentRequests: [{ id: 'r1', status: 'pending', consentId: null, decidedAt: null }] })],
      }),
    );
    expect(html).toContain('Invited, not signed in yet');
    expect(html).toContain('All matters');
    expect(html).toContain('2026-0001 — Northwind v. Contoso');
    expect(html).toContain('Lee Lawyer');
    expect(html).toContain('waiting for their answer');
    expect(html).toContain('aria-label="Disable Bo Client"');
    expect(html).not.toContain('aria-label="Disable Ada Client"');
    expect(html).not.toContain(MATTER);
  });

  it('lists threads and file requests with names and links', () => {
    const thread: Thread = { id: 't1', matter: { id: MATTER, number: '2026-0001', title: 'x' }, subject: 'Your lease', createdBy: 'u1', createdByName: 'Lee Lawyer', createdAt: 1, lastMessageAt: 2, unread: 3 };
    const request: FileRequest = { id: 'f1', matter: thread.matter, title: 'Bank statements', createdBy: 'u1', createdByName: 'Lee Lawyer', createdAt: 1, closedAt: null, uploads: [{ documentId: 'd1', name: 'statement.pdf', uploadedBy: 'c1', uploadedByName: 'Ada Client', uploadedAt: 3 }] };
    const html = render(<MatterMessagesPanel matterId={MATTER} />, (q) => {
      q.setQueryData(portalKeys.threads(MATTER), { items: [thread] });
      q.setQueryData(portalKeys.fileRequests(MATTER), { items: [request] });
    });
    expect(html).toContain('Your lease');
    expect(html).toContain('3 unread');
    expect(html).toContain('href="/api/v1/documents/d1/content"');
    expect(html).toContain('statement.pdf');
    expect(html).toContain('Open');
  });

  it('shows only the shares when the contacts cannot be listed', () => {
    const html = render(<DocumentPortalShares documentId="d1" clientId={CLIENT} documentName="lease.pdf" />, (q) =>
      q.setQueryData(portalKeys.shares('d1'), { items: [{ id: 's1', documentId: 'd1', contactId: 'c1', contactName: 'Ada Client', sharedBy: 'u1', sharedByName: 'Lee Lawyer', sharedAt: 1, revokedAt: null }] }),
    );
    expect(html).toContain('Ada Client');
    expect(html).toContain('End sharing');
    expect(html).not.toContain('Share with the client</button>');
  });
});

