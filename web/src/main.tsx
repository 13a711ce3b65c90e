import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { recheckOnPasswordChangeRequired } from './auth.tsx';
import './styles.css';

const client: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error) => recheckOnPasswordChangeRequired(client, error),
  }),
  mutationCache: new MutationCache({
    onError: (error) => recheckOnPasswordChangeRequired(client, error),
  }),
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
