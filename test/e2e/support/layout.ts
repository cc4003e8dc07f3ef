/// <reference lib="dom" />
/**
 * Whether a page fits its screen, and if not, what sticks out: the deepest elements whose right
 * edge passes the viewport while no ancestor clips them (a `.table-scroll` wrapper, which scrolls
 * on purpose, clips its table; the wrapper itself is named if it is the wide one). A failing check names the culprits instead of a bare width.
 */
import type { Page } from 'playwright-core';

export interface PageWidth {
  scrollWidth: number;
  innerWidth: number;
  /** `tag.class` and right edge of each deepest element past the screen's edge; empty when the page fits. */
  overflowing: string[];
}

export async function measureWidth(page: Page): Promise<PageWidth> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''} → ${Math.round(el.getBoundingClientRect().right)} px`;
    const clipped = (el: Element) => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) if (getComputedStyle(up).overflowX !== 'visible') return true;
      return false;
    };
    const past = Array.from(document.body.querySelectorAll('*')).filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5 && !clipped(el));
    // The deepest: no other element past the edge lies inside it.
    const found = past.filter((el) => !past.some((other) => other !== el && el.contains(other))).map((el) => describe(el));
    if (document.documentElement.scrollWidth > innerWidth && found.length === 0) {
      // Nothing unclipped sticks out: an absolutely placed element escaping its clipping ancestor may. Name the deepest of all.
      const all = Array.from(document.body.querySelectorAll('*')).filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5);
      found.push(`the document → ${document.documentElement.scrollWidth} px`, ...all.filter((el) => !all.some((other) => other !== el && el.contains(other))).map((el) => `${describe(el)} (${getComputedStyle(el).position})`));
    }
    if (document.documentElement.scrollWidth <= innerWidth) found.length = 0;
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, overflowing: found.slice(0, 12) };
  });
}
