import { useEffect, useState } from 'preact/hooks';
import { ChatView } from './chat-view.js';
import { DashboardView } from './dashboard-view.js';
import { DocumentsView } from './documents-view.js';
import { ExperimentsView } from './experiments-view.js';
import { RegistryView } from './registry-view.js';
import { errorText } from './format.js';
import { signIn, signOut, storedKey, type Session } from './session.js';

const TABS = [
  { id: 'chat', label: 'Chat' },
  { id: 'documents', label: 'Documents' },
  { id: 'experiments', label: 'Experiments' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'registry', label: 'Registry' },
] as const;
type TabId = (typeof TABS)[number]['id'];

const tabFromHash = (): TabId => {
  const id = location.hash.replace(/^#/, '');
  return TABS.some((t) => t.id === id) ? (id as TabId) : 'chat';
};

/** The console: sign-in, then chat, documents, experiments and the monitoring dashboard. */
export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(storedKey() !== null);
  const [tab, setTab] = useState<TabId>(tabFromHash());

  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    signIn(key)
      .then(setSession)
      .catch(() => signOut())
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <p class="muted">Checking the saved key…</p>;
  if (!session) return <SignIn onSignedIn={setSession} />;
  return (
    <div class="shell">
      <header class="top">
        <strong class="brand">groundwork</strong>
        <nav>
          {TABS.map((t) => (
            <a key={t.id} href={`#${t.id}`} class={t.id === tab ? 'active' : ''} data-tab={t.id}>
              {t.label}
            </a>
          ))}
        </nav>
        <span class="tenant" data-testid="tenant">
          tenant <code>{session.tenant}</code>
        </span>
        <button
          class="link"
          onClick={() => {
            signOut();
            setSession(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {/* Views stay mounted while hidden, so a streaming answer or an upload survives a tab switch. */}
        <section hidden={tab !== 'chat'}>
          <ChatView session={session} />
        </section>
        <section hidden={tab !== 'documents'}>
          <DocumentsView session={session} active={tab === 'documents'} />
        </section>
        <section hidden={tab !== 'experiments'}>{tab === 'experiments' && <ExperimentsView session={session} />}</section>
        <section hidden={tab !== 'dashboard'}>{tab === 'dashboard' && <DashboardView session={session} />}</section>
        <section hidden={tab !== 'registry'}>{tab === 'registry' && <RegistryView session={session} />}</section>
      </main>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="sign-in"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        try {
          onSignedIn(await signIn(key));
        } catch (failure) {
          setError(errorText(failure));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h1>groundwork console</h1>
      <p class="muted">Sign in with an API key. The console acts for the key's tenant only; the key stays in this tab (session storage).</p>
      <label>
        API key
        <input type="password" name="apiKey" autocomplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} placeholder="gwk_…" />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Checking…' : 'Sign in'}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
