// The client portal, staff side: the client page's Portal tab (contacts, invitations), the matter
// page's Messages tab (threads, file requests) and "Share with the client" on a document.
import './portal-staff.css';

export { ClientPortalPanel } from './ClientPortalPanel';
export { MatterMessagesPanel } from './MatterMessagesPanel';
export { DocumentPortalShares } from './DocumentPortalShares';
