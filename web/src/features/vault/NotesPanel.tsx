import { useState, type FormEvent } from 'react';
import { Button, ErrorMessage, Loading, TextField } from '../../components';
import { vaultApi, type Note } from './api';
import { formatDate, useLoad } from './useLoad';

/** Notes of a matter: stored sealed; the editor keeps the revision it loaded so a concurrent save is refused, not lost. */
export function NotesPanel({ matterId }: { matterId: string }) {
  const { data, error, reload } = useLoad(() => vaultApi.notes(matterId), [matterId]);
  const [editing, setEditing] = useState<Note | 'new' | null>(null);
  return (
    <section aria-labelledby="notes-title" className="vault-panel">
      <h2 id="notes-title">Notes</h2>
      <Button variant="secondary" onClick={() => setEditing('new')}>New note</Button>
      {editing && (
        <NoteEditor
          matterId={matterId}
          note={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {error ? <ErrorMessage error={error} /> : null}
      {!data && !error ? <Loading /> : null}
      {data?.items.map((note) => (
        <article key={note.id} className="vault-note">
          <h3>{note.title}</h3>
          <p className="vault-note-meta">Updated {formatDate(note.updatedAt)}</p>
          <div className="vault-note-body">{note.body}</div>
          <Button variant="secondary" onClick={() => setEditing(note)}>Edit</Button>{' '}
          <Button
            variant="secondary"
            onClick={() => {
              void vaultApi.deleteNote(note.id).then(reload);
            }}
          >
            Delete
          </Button>
        </article>
      ))}
    </section>
  );
}

function NoteEditor({ matterId, note, onDone }: { matterId: string; note: Note | null; onDone: () => void }) {
  const [title, setTitle] = useState(note?.title ?? '');
  const [body, setBody] = useState(note?.body ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      if (note) await vaultApi.updateNote(note.id, { title, body, revision: note.revision });
      else await vaultApi.createNote(matterId, { title, body });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} aria-label={note ? 'Edit note' : 'New note'} className="vault-note-editor">
      <TextField label="Title" required value={title} onChange={(e) => setTitle(e.target.value)} />
      <div className="field">
        <label htmlFor="note-body">Text</label>
        <textarea id="note-body" rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      {error ? <ErrorMessage error={error} title="Not saved" /> : null}
      <Button type="submit" busy={busy}>Save note</Button>
    </form>
  );
}
