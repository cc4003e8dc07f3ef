import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Picker } from './Picker';

const noSearch = async () => [];

describe('Picker', () => {
  it('is an ARIA combobox tied to its label, hint and error while nothing is chosen', () => {
    const html = renderToStaticMarkup(<Picker label="Team member" hint="Name or e-mail" error="Choose a person" value={null} onChange={() => {}} search={noSearch} required name="userId" />);
    const id = /<input id="([^"]+)" type="text" role="combobox"/.exec(html)?.[1];
    expect(id).toBeTruthy();
    expect(html).toContain(`<label for="${id}">Team member`);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain(`aria-describedby="${id}-hint ${id}-error ${id}-status"`);
    expect(html).toContain('Choose a person');
    expect(html).toContain('<input type="hidden" name="userId" value=""/>');
  });

  it('shows a chosen option by its name, carries its id only in the hidden field, and offers to change it', () => {
    const html = renderToStaticMarkup(<Picker label="Client" value={{ id: '0190c2a4-0000-7000-8000-000000000001', label: 'Acme Holdings', detail: 'Organisation' }} onChange={() => {}} search={noSearch} name="clientId" />);
    expect(html).toContain('Acme Holdings');
    expect(html).toContain('Organisation');
    expect(html).not.toContain('role="combobox"');
    expect(html).toContain('aria-label="Change client"');
    const visible = html.replace(/<input type="hidden"[^>]*>/, '');
    expect(visible).not.toContain('0190c2a4');
  });
});
