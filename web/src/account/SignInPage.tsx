import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { api, errorText } from "../api/client";
import { sessionKey, type SessionInfo } from "./session";

/** Where to go after signing in: only a path of this console, never another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInPage() {
  const [params] = useSearchParams();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const client = useQueryClient();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api<SessionInfo>("/session", { method: "POST", json: { name, password } });
      client.clear(); // nothing of a previous user stays cached
      client.setQueryData(sessionKey, session);
      if (next.startsWith("/docs") || next.startsWith("/redoc")) window.location.assign(next);
      else navigate(next, { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-label="Sign in">
        <h1>customlabels</h1>
        <label>
          User name
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" autoFocus required />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password" required />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button className="primary" disabled={busy || !name || !password}>Sign in</button>
        <p className="muted small">
          The first admin's password is printed by the server when it first starts; an operator can add users with{" "}
          <code>customlabels user create</code>.
        </p>
      </form>
    </main>
  );
}
