import type { Feature } from '../../app/feature';

function HomePage() {
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">Welcome to Confidant</h1>
      <p>Your matters, documents and tasks appear here.</p>
    </section>
  );
}

export const homeFeature: Feature = {
  name: 'home',
  routes: [{ index: true, element: <HomePage /> }],
  nav: [{ to: '/', label: 'Home' }],
};
