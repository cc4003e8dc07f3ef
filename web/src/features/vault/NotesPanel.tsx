import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { vaultApi, type Note } from './api';

/** Notes of a matter: stored sealed; the editor keeps the revision it loaded so a concurrent save is refused, not lost. */
export function NotesPanel({ matterId }: { matterId: string }) {
  const { data, error: loadError, refetch } = useQuery({ queryKey: ['vault', 'notes', matterId], queryFn: () => vaultApi.notes(matterId) });
  const action = usePageAction(['vault', 'notes', matterId]);
  const error = action.error ?? loadError;
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
            void refetch();
          }}
        />
      )}
      {error ? <ErrorMessage error={error} /> : null}
      {!data && !error ? <Loading /> : null}
      {data?.items.map((note) => (
        <article key={note.id} className="vault-note">
          <h3>{note.title}</h3>
          <p className="vault-note-meta">Updated {formatTime(note.updatedAt)}</p>
          <div className="vault-note-body">{note.body}</div>
          <Button variant="secondary" onClick={() => setEditing(note)}>Edit</Button>{' '}
          <Button
            variant="secondary"
            busy={action.isPending}
            onClick={() => action.mutate(() => vaultApi.deleteNote(note.id))}
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
  const saving = useMutation({
    mutationFn: () => (note ? vaultApi.updateNote(note.id, { title, body, revision: note.revision }) : vaultApi.createNote(matterId, { title, body })),
    onSuccess: onDone,
  });
  const { error } = saving;
  const save = (event: FormEvent) => {
    event.preventDefault();
    saving.mutate();
  };
  return (
    <form onSubmit={save} aria-label={note ? 'Edit note' : 'New note'} className="vault-note-editor">
      <TextField label="Title" required value={title} onChange={(e) => setTitle(e.target.value)} />
      <div className="field">
        <label htmlFor="note-body">Text</label>
        <textarea id="note-body" rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      {error ? <ErrorMessage error={error} title="Not saved" /> : null}
      <Button type="submit" busy={saving.isPending}>Save note</Button>
    </form>
  );
}
