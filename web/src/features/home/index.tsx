import type { Feature } from '../../app/feature';
import { HomePage } from './HomePage';

export const homeFeature: Feature = {
  name: 'home',
  routes: [{ index: true, element: <HomePage /> }],
  nav: [{ to: '/', label: 'Home' }],
};
