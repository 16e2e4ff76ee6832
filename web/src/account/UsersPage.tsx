import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorText } from "../api/client";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { useToast } from "../components/Toasts";
import { useSession } from "./session";

interface User {
  name: string;
  role: string;
  has_password: boolean;
  key_count: number;
  created_at: string;
}

interface Key {
  AccessKeyId: string;
  UserName: string;
  CreatedAt: string;
  LastUsedAt: string | null;
}

interface NewKey {
  AccessKeyId: string;
  SecretAccessKey: string;
  UserName: string;
}

const ROLES = ["admin", "editor", "annotator", "viewer"];
const usersKey = ["users"] as const;
const keysKey = (user: string) => ["users", user, "keys"] as const;
const userPath = (name: string) => `/users/${encodeURIComponent(name)}`;

function CreateUserForm() {
  const [name, setName] = useState("");
  const [role, setRole] = useState("annotator");
  const [password, setPassword] = useState("");
  const client = useQueryClient();
  const toast = useToast();
  const create = useMutation({
    mutationFn: () => api("/users", { method: "POST", json: { name, role, password: password || null } }),
    onSuccess: () => {
      toast(`User ${name} created`);
      setName("");
      setPassword("");
      void client.invalidateQueries({ queryKey: usersKey });
    },
    onError: (e) => toast(errorText(e), "error"),
  });
  return (
    <form className="inline-form" aria-label="New user" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
      <label>Name <input value={name} onChange={(e) => setName(e.target.value)} aria-label="New user name" /></label>
      <label>
        Role{" "}
        <select value={role} onChange={(e) => setRole(e.target.value)} aria-label="New user role">
          {ROLES.map((r) => <option key={r}>{r}</option>)}
        </select>
      </label>
      <label>
        Password{" "}
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)}
          aria-label="New user password" placeholder="none: API keys only" autoComplete="new-password" />
      </label>
      <button className="primary" disabled={!name || create.isPending}>Create user</button>
    </form>
  );
}

function Keys({ user }: { user: string }) {
  const client = useQueryClient();
  const toast = useToast();
  const [shown, setShown] = useState<NewKey | null>(null);
  const keys = useQuery({ queryKey: keysKey(user), queryFn: () => api<Key[]>(`${userPath(user)}/keys`) });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: keysKey(user) });
    void client.invalidateQueries({ queryKey: usersKey });
  };
  const create = useMutation({
    mutationFn: () => api<NewKey>(`${userPath(user)}/keys`, { method: "POST" }),
    onSuccess: (key) => { setShown(key); refresh(); },
    onError: (e) => toast(errorText(e), "error"),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`${userPath(user)}/keys/${id}`, { method: "DELETE" }),
    onSuccess: (_, id) => { toast(`Key ${id} revoked`); refresh(); },
    onError: (e) => toast(errorText(e), "error"),
  });
  return (
    <div className="user-keys" data-testid={`keys-${user}`}>
      <ul>
        {(keys.data ?? []).map((k) => (
          <li key={k.AccessKeyId}>
            <code>{k.AccessKeyId}</code>{" "}
            <span className="muted small">
              made {new Date(k.CreatedAt).toLocaleString()} · {k.LastUsedAt ? `last used ${new Date(k.LastUsedAt).toLocaleString()}` : "never used"}
            </span>{" "}
            <button className="link danger" onClick={() => revoke.mutate(k.AccessKeyId)}>Revoke</button>
          </li>
        ))}
      </ul>
      <button onClick={() => create.mutate()} disabled={create.isPending}>New API key</button>
      {shown && (
        <Dialog title="New API key" onClose={() => setShown(null)}>
          <p>Copy the secret now: it is shown this once and never again.</p>
          <dl className="new-key">
            <dt>AccessKeyId</dt><dd><code data-testid="new-key-id">{shown.AccessKeyId}</code></dd>
            <dt>SecretAccessKey</dt><dd><code data-testid="new-key-secret">{shown.SecretAccessKey}</code></dd>
          </dl>
          <p className="muted small">REST: <code>Authorization: Bearer {shown.AccessKeyId}:…</code></p>
          <button className="primary" onClick={() => setShown(null)}>Done</button>
        </Dialog>
      )}
    </div>
  );
}

export function UsersPage() {
  const session = useSession();
  const client = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const users = useQuery({ queryKey: usersKey, queryFn: () => api<User[]>("/users") });
  const setRole = useMutation({
    mutationFn: ({ name, role }: { name: string; role: string }) =>
      api(userPath(name), { method: "PATCH", json: { role } }),
    onSuccess: (_, v) => { toast(`${v.name} is now ${v.role}`); void client.invalidateQueries({ queryKey: usersKey }); },
    onError: (e) => { toast(errorText(e), "error"); void client.invalidateQueries({ queryKey: usersKey }); },
  });
  const remove = useMutation({
    mutationFn: (name: string) => api(userPath(name), { method: "DELETE" }),
    onSuccess: (_, name) => { setDeleting(null); toast(`User ${name} deleted`); void client.invalidateQueries({ queryKey: usersKey }); },
    onError: (e) => { setDeleting(null); toast(errorText(e), "error"); },
  });
  if (users.error) return <p className="error">{errorText(users.error)}</p>;
  return (
    <section>
      <div className="page-head">
        <h1>Users and keys</h1>
        <CreateUserForm />
      </div>
      <table className="table users">
        <thead><tr><th>User</th><th>Role</th><th>Password</th><th>API keys</th><th /></tr></thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.name} data-user={u.name}>
              <td>{u.name}{u.name === session.data?.name && <span className="muted"> (you)</span>}</td>
              <td>
                <select value={u.role} aria-label={`Role of ${u.name}`}
                  onChange={(e) => setRole.mutate({ name: u.name, role: e.target.value })}>
                  {ROLES.map((r) => <option key={r}>{r}</option>)}
                </select>
              </td>
              <td>{u.has_password ? "set" : <span className="muted">none</span>}</td>
              <td>
                <button className="link" onClick={() => setOpen(open === u.name ? null : u.name)}>
                  {u.key_count} {u.key_count === 1 ? "key" : "keys"}
                </button>
                {open === u.name && <Keys user={u.name} />}
              </td>
              <td><button className="link danger" onClick={() => setDeleting(u.name)}>Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDialog title={`Delete user ${deleting}?`} confirm="Delete user" danger busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)} onClose={() => setDeleting(null)}>
          <p>Their API keys and sessions end at once. What they labelled stays.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
