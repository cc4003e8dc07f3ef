import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { createQueryClient } from '../api/query';
import { NotFound, RouteError } from '../components/RouteError';
import { SessionProvider } from '../features/identity';
import { FEATURES } from './features';
import { Layout } from './Layout';

const router = createBrowserRouter([
  ...FEATURES.flatMap((f) => f.publicRoutes ?? []),
  {
    path: '/',
    element: <Layout />,
    // Errors in the layout itself replace the page; errors in a feature page keep the navigation.
    errorElement: <RouteError standalone />,
    children: [
      {
        errorElement: <RouteError />,
        children: [...FEATURES.flatMap((f) => f.routes ?? []), { path: '*', element: <NotFound /> }],
      },
    ],
  },
]);

const queryClient = createQueryClient();

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </QueryClientProvider>
  );
}
