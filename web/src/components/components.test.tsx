import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { ErrorMessage } from './ErrorMessage';
import { Button, Select, TextField } from './form';
import { Loading } from './Loading';

describe('shared components', () => {
  it('ErrorMessage shows the API code, request id and field problems, as an alert', () => {
    const html = renderToStaticMarkup(
      <ErrorMessage error={new ApiError(400, 'VALIDATION_FAILED', 'Invalid body: body.name is required', 'req-123', [{ path: 'body.name', message: 'is required' }])} />,
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain('VALIDATION_FAILED');
    expect(html).toContain('req-123');
    expect(html).toContain('body.name: is required');
  });

  it('ErrorMessage never shows a raw exception message or stack', () => {
    const error = new Error('SELECT secret FROM clients WHERE name = Acme');
    const html = renderToStaticMarkup(<ErrorMessage error={error} />);
    expect(html).not.toContain('Acme');
    expect(html).not.toContain('SELECT');
    expect(html).toContain('tell your administrator');
  });

  it('TextField ties label, hint and error to the input', () => {
    const html = renderToStaticMarkup(<TextField label="Client name" hint="As on the engagement letter" error="is required" required name="name" />);
    const id = /<input id="([^"]+)"/.exec(html)?.[1];
    expect(id).toBeTruthy();
    expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain(`aria-describedby="${id}-hint ${id}-error"`);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain(`id="${id}-error"`);
  });

  it('a valid TextField is not marked invalid', () => {
    const html = renderToStaticMarkup(<TextField label="Name" />);
    expect(html).not.toContain('aria-invalid');
    expect(html).not.toContain('aria-describedby');
  });

  it('Select renders its options with a label; Button is a non-submitting button unless asked', () => {
    const select = renderToStaticMarkup(<Select label="Role" options={[{ value: 'lawyer', label: 'Lawyer' }, { value: 'staff', label: 'Staff' }]} />);
    expect(select).toMatch(/<label for="[^"]+">Role<\/label>/);
    expect(select).toContain('<option value="staff">Staff</option>');
    const button = renderToStaticMarkup(<Button busy>Save</Button>);
    expect(button).toContain('type="button"');
    expect(button).toContain('disabled=""');
    expect(button).toContain('aria-busy="true"');
    expect(renderToStaticMarkup(<Button type="submit">Go</Button>)).toContain('type="submit"');
  });

  it('Loading is a polite status region', () => {
    expect(renderToStaticMarkup(<Loading />)).toContain('role="status"');
  });
});
