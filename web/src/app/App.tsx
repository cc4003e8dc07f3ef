import { createBrowserRouter, RouterProvider } from 'react-router';
import { FEATURES } from './features';
import { Layout } from './Layout';
import { RouteError } from '../components/RouteError';

const router = createBrowserRouter([
  ...FEATURES.flatMap((f) => f.publicRoutes ?? []),
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteError />,
    children: FEATURES.flatMap((f) => f.routes ?? []),
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
