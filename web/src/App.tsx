import { useEffect, useState } from "react";
import { Link, Navigate, Route, Routes, useLocation, useMatch, useNavigate, useParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { SIGNED_OUT_EVENT } from "./api/client";
import { useSession } from "./account/session";
import { SignInPage } from "./account/SignInPage";
import { UserMenu } from "./account/UserMenu";
import { UsersPage } from "./account/UsersPage";
import { KeyboardHelp } from "./components/KeyboardHelp";
import { ProjectsPage } from "./pages/ProjectsPage";
import { ProjectPage } from "./pages/ProjectPage";
import { GalleryPage } from "./pages/GalleryPage";
import { ErrorsPage } from "./pages/ErrorsPage";
import { ModelsPage } from "./models/ModelsPage";
import { VersionPage } from "./models/VersionPage";

/** True when a key press belongs to a text field, not to the page's shortcuts. */
export function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
}

function Breadcrumbs() {
  const { project, type, version } = useParams();
  const models = useMatch("/projects/:project/models/*");
  return (
    <nav className="crumbs" aria-label="Breadcrumbs">
      <Link to="/">Projects</Link>
      {project && (
        <>
          <span>›</span>
          <Link to={`/projects/${encodeURIComponent(project)}`}>{project}</Link>
        </>
      )}
      {project && models && (
        <>
          <span>›</span>
          <Link to={`/projects/${encodeURIComponent(project)}/models`}>Models</Link>
        </>
      )}
      {project && version && (
        <>
          <span>›</span>
          <Link to={`/projects/${encodeURIComponent(project)}/models/${encodeURIComponent(version)}`}>{version}</Link>
        </>
      )}
      {project && type && (
        <>
          <span>›</span>
          <Link to={`/projects/${encodeURIComponent(project)}/datasets/${type}`}>{type.toUpperCase()} dataset</Link>
        </>
      )}
    </nav>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  const [help, setHelp] = useState(false);
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const here = location.pathname + location.search;
  useEffect(() => {
    // Any request answered 401 (the session ended, or was signed out elsewhere): sign in again.
    const onSignedOut = () => {
      client.clear();
      navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, [client, navigate, here]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "?" && !typingIn(e.target)) {
        e.preventDefault();
        setHelp((h) => !h);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  if (session.isLoading) return <p className="muted content">Loading…</p>;
  if (session.error || !session.data) return <Navigate to={`/sign-in?next=${encodeURIComponent(here)}`} replace />;
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          customlabels
        </Link>
        <Breadcrumbs />
        <button className="link help-button" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)">
          Shortcuts <kbd>?</kbd>
        </button>
        <UserMenu session={session.data} />
      </header>
      <main className="content">{children}</main>
      {help && <KeyboardHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/admin/users" element={<Shell><UsersPage /></Shell>} />
      <Route path="/" element={<Shell><ProjectsPage /></Shell>} />
      <Route path="/projects/:project" element={<Shell><ProjectPage /></Shell>} />
      <Route path="/projects/:project/datasets/:type" element={<Shell><GalleryPage /></Shell>} />
      <Route path="/projects/:project/datasets/:type/errors" element={<Shell><ErrorsPage /></Shell>} />
      <Route path="/projects/:project/models" element={<Shell><ModelsPage /></Shell>} />
      <Route path="/projects/:project/models/:version" element={<Shell><VersionPage /></Shell>} />
      <Route path="*" element={<Shell><p>Nothing here. <Link to="/">Back to the projects</Link></p></Shell>} />
    </Routes>
  );
}
