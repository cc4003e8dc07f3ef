/**
 * TanStack Query set up as the pages had it by hand: no retries (an error is shown at once, a
 * 404 is an answer), no refetch on focus, and nothing kept once no page shows it — so one
 * person's data never appears, even for a moment, on another page or after signing out.
 */
import { QueryClient, useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, gcTime: 0 },
      mutations: { retry: false },
    },
  });
}

/**
 * A page's changes, as one mutation: `action.mutate(() => api.call(…))`. While it runs,
 * `action.isPending` is true; on success the queries under `refresh` (when given) are fetched
 * again before it settles; a failure is `action.error` (an ApiError) until the next change.
 */
export function usePageAction(refresh?: QueryKey) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (work: () => Promise<unknown>) => work(),
    onSuccess: () => (refresh ? queryClient.invalidateQueries({ queryKey: refresh }) : undefined),
  });
}
