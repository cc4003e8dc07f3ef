import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, PersonPicker, Select, TextArea, TextField, type PickerOption } from '../../components';
import { complianceApi, complianceKeys, type Course, type ImportResult, type StaffRole } from './api';
import { TRAINING_WORDS } from './MyPage';
import { Badge, Check, ComplianceTabs, ROLE_LABELS, ROLE_ONE, Saved, STAFF_ROLES } from './parts';

/** Courses per role, everyone's state in them, recording and importing completions. */
export function TrainingPage() {
  const courses = useQuery({ queryKey: complianceKeys.courses, queryFn: complianceApi.courses });
  const status = useQuery({ queryKey: complianceKeys.trainingStatus, queryFn: complianceApi.trainingStatus });
  const [form, setForm] = useState<'course' | 'completion' | 'import' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [onlyBehind, setOnlyBehind] = useState(false);
  const active = (courses.data?.items ?? []).filter((c) => c.status === 'active');
  const states = (status.data?.items ?? []).filter((s) => !onlyBehind || s.state === 'overdue' || s.state === 'expired');
  const done = (text: string) => {
    setForm(null);
    setSaved(text);
  };
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Training</PageTitle>
      <ComplianceTabs />
      <p className="cmp-lead">A course applies to the roles you choose, with a pass mark and a refresher cycle. People are reminded two weeks before a course is due and when it is overdue. With the gate “Current confidentiality training” on, client data opens only for people who passed every confidentiality course of their role.</p>
      <Saved text={saved} />
      <div className="cmp-actions">
        <Button onClick={() => setForm('course')}>New course</Button>
        <Button variant="secondary" onClick={() => setForm('completion')} disabled={active.length === 0}>
          Record a completion
        </Button>
        <Button variant="secondary" onClick={() => setForm('import')} disabled={active.length === 0}>
          Import from CSV
        </Button>
      </div>
      {form === 'course' && <CourseForm onCancel={() => setForm(null)} onSaved={(c) => done(`Course “${c.title}” added.`)} />}
      {form === 'completion' && <CompletionForm courses={active} onCancel={() => setForm(null)} onSaved={(passed) => done(passed ? 'Completion recorded: passed.' : 'Completion recorded: below the pass mark, so it does not count.')} />}
      {form === 'import' && <ImportForm onCancel={() => setForm(null)} onSaved={(r) => done(`Imported ${r.imported} completion(s): ${r.passed} passed, ${r.failed} below the pass mark.`)} />}
      <h2>Courses</h2>
      {courses.error !== null && <ErrorMessage error={courses.error} title="The courses cannot be shown" />}
      {courses.isPending && <Loading />}
      {courses.data && active.length === 0 && <p className="cmp-empty">No course yet. Add one with “New course”, for example “Client confidentiality”, for attorneys, paralegals and support staff, pass mark 80, refresher every 365 days.</p>}
      {active.length > 0 && (
        <ul>
          {active.map((c) => (
            <li key={c.id}>
              <strong>{c.title}</strong>
              {c.confidentiality && <Badge tone="neutral">Confidentiality</Badge>}{' '}
              <span className="cmp-detail">
                {c.roles.map((r) => ROLE_LABELS[r] ?? r).join(', ')} · pass mark {c.passMark} · {c.refresherDays ? `refresher every ${c.refresherDays} days` : 'no refresher'} · first due within {c.dueWithinDays} days
              </span>
            </li>
          ))}
        </ul>
      )}
      <h2>Who is up to date</h2>
      <Check label="Only people behind (overdue or expired)" checked={onlyBehind} onChange={setOnlyBehind} />
      {status.error !== null && <ErrorMessage error={status.error} title="The training status cannot be shown" />}
      {status.isPending && <Loading />}
      {status.data && states.length === 0 && <p className="cmp-empty">{onlyBehind ? 'Nobody is behind.' : 'No course applies to anyone yet.'}</p>}
      {states.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Training status">
          <table className="cmp-table cmp-stack">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Course</th>
                <th scope="col">State</th>
                <th scope="col">Due</th>
                <th scope="col">Last score</th>
              </tr>
            </thead>
            <tbody>
              {states.map((s) => (
                <tr key={`${s.person.id}:${s.course.id}`}>
                  <td data-label="Person">
                    {s.person.name}
                    <div className="cmp-detail">{ROLE_ONE[s.role] ?? s.role}</div>
                  </td>
                  <td data-label="Course">{s.course.title}</td>
                  <td data-label="State">
                    <Badge tone={TRAINING_WORDS[s.state][1]}>{TRAINING_WORDS[s.state][0]}</Badge>
                  </td>
                  <td data-label="Due">{s.dueOn ?? '—'}</td>
                  <td data-label="Last score">{s.lastScore ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CourseForm({ onCancel, onSaved }: { onCancel: () => void; onSaved: (c: Course) => void }) {
  const [title, setTitle] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>(['attorney', 'paralegal', 'staff']);
  const [passMark, setPassMark] = useState('80');
  const [refresher, setRefresher] = useState('365');
  const [dueWithin, setDueWithin] = useState('30');
  const [confidentiality, setConfidentiality] = useState(true);
  const save = usePageAction(complianceKeys.all);
  const error = save.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(() => complianceApi.createCourse({ title, roles, passMark: Number(passMark), refresherDays: refresher ? Number(refresher) : null, dueWithinDays: Number(dueWithin), confidentiality }), { onSuccess: (c) => onSaved(c as Course) });
  };
  const FIELDS = ['body.title', 'body.roles', 'body.passMark', 'body.refresherDays', 'body.dueWithinDays'];
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="New course">
      <h2>New course</h2>
      <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError(error, 'body.title')} required maxLength={200} />
      <fieldset className="cmp-roles">
        <legend>Who must take it</legend>
        {STAFF_ROLES.map((r) => (
          <Check key={r} label={ROLE_LABELS[r] ?? r} checked={roles.includes(r)} onChange={(on) => setRoles(on ? [...roles, r] : roles.filter((x) => x !== r))} />
        ))}
        {fieldError(error, 'body.roles') && <p className="field-error">{roles.length === 0 ? 'Choose at least one role.' : fieldError(error, 'body.roles')}</p>}
      </fieldset>
      <TextField label="Pass mark (0–100)" type="number" min={0} max={100} value={passMark} onChange={(e) => setPassMark(e.target.value)} error={fieldError(error, 'body.passMark')} />
      <TextField label="Refresher every (days)" hint="Leave empty if a pass never expires." type="number" min={1} value={refresher} onChange={(e) => setRefresher(e.target.value)} error={fieldError(error, 'body.refresherDays')} />
      <TextField label="First completion due within (days)" type="number" min={0} value={dueWithin} onChange={(e) => setDueWithin(e.target.value)} error={fieldError(error, 'body.dueWithinDays')} />
      <Check label="Counts for the confidentiality training gate" checked={confidentiality} onChange={setConfidentiality} />
      {error !== null && !FIELDS.some((p) => fieldError(error, p) !== null) && <ErrorMessage error={error} title="The course was not added" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Add the course
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function CompletionForm({ courses, onCancel, onSaved }: { courses: Course[]; onCancel: () => void; onSaved: (passed: boolean) => void }) {
  const [courseId, setCourseId] = useState(courses[0]?.id ?? '');
  const [person, setPerson] = useState<PickerOption | null>(null);
  const [completed, setCompleted] = useState(new Date().toISOString().slice(0, 10));
  const [score, setScore] = useState('');
  const [personMissing, setPersonMissing] = useState(false);
  const save = usePageAction(complianceKeys.all);
  const error = save.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!person) return setPersonMissing(true);
    setPersonMissing(false);
    save.mutate(() => complianceApi.recordCompletion({ courseId, userId: person.id, completedDate: completed, score: score === '' ? null : Number(score) }), { onSuccess: (c) => onSaved((c as { passed: boolean }).passed) });
  };
  const FIELDS = ['body.courseId', 'body.userId', 'body.completedDate', 'body.score'];
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="Record a completion">
      <h2>Record a completion</h2>
      <Select label="Course" value={courseId} onChange={(e) => setCourseId(e.target.value)} options={courses.map((c) => ({ value: c.id, label: c.title }))} error={fieldError(error, 'body.courseId')} />
      <PersonPicker label="Person" value={person} onChange={setPerson} error={personMissing && !person ? 'Choose who completed the course.' : fieldError(error, 'body.userId')} required />
      <TextField label="Completed on" type="date" value={completed} onChange={(e) => setCompleted(e.target.value)} error={fieldError(error, 'body.completedDate')} required />
      <TextField label="Assessment score (0–100)" hint="Leave empty for a course without an assessment." type="number" min={0} max={100} value={score} onChange={(e) => setScore(e.target.value)} error={fieldError(error, 'body.score')} />
      {error !== null && !FIELDS.some((p) => fieldError(error, p) !== null) && <ErrorMessage error={error} title="The completion was not recorded" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Record it
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function ImportForm({ onCancel, onSaved }: { onCancel: () => void; onSaved: (r: ImportResult) => void }) {
  const [csv, setCsv] = useState('email,course,completed,score\n');
  const save = usePageAction(complianceKeys.all);
  const error = save.error;
  const problems = error instanceof ApiError && error.code === 'TRAINING_IMPORT_INVALID' ? error.fields.map((f) => f.message) : [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(() => complianceApi.importCompletions(csv), { onSuccess: (r) => onSaved(r as ImportResult) });
  };
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="Import completions">
      <h2>Import completions from CSV</h2>
      <p className="cmp-detail">One line per completion: the person’s e-mail address, the course title, the day (YYYY-MM-DD) and the score (or nothing). Either every line is imported or none is.</p>
      <label className="cmp-detail">
        Or choose a file:{' '}
        <input type="file" accept=".csv,text/csv" onChange={async (e) => { const file = e.target.files?.[0]; if (file) setCsv(await file.text()); }} />
      </label>
      <TextArea label="CSV" rows={8} value={csv} onChange={(e) => setCsv(e.target.value)} error={problems.length > 0 ? `${problems.length} line(s) need fixing; nothing was imported.` : fieldError(error, 'body.csv')} />
      {problems.length > 0 && (
        <ul className="cmp-problems field-error" aria-label="Lines to fix">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {error !== null && problems.length === 0 && fieldError(error, 'body.csv') === null && <ErrorMessage error={error} title="Nothing was imported" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Import
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
